#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

#if _endian(big)
#error("The dataset segment format is little-endian and is only read and written on little-endian hosts")
#endif

/// Thin, blocking wrappers over the POSIX calls the store needs (`open`, `pread`, `fsync`,
/// `rename`, `flock`, ...). Each retries on `EINTR` and reports failures as ``DatasetError``
/// with the path and `errno` text in `underlyingDescription` only.
enum POSIX {
    static func errnoText(_ code: Int32 = errno) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text) + " (errno \(code))"
    }

    static func storageError(_ operation: String, _ path: String, errno code: Int32 = errno) -> DatasetError {
        DatasetError(
            .storage,
            "The dataset store could not complete the operation",
            underlying: "\(operation) \(path): \(errnoText(code))"
        )
    }

    static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o644) throws(DatasetError) -> Int32 {
        while true {
            let fd = path.withCString { libc_open($0, flags | O_CLOEXEC, mode) }
            if fd >= 0 { return fd }
            if errno == EINTR { continue }
            throw storageError("open", path)
        }
    }

    static func close(_ fd: Int32) {
        _ = libc_close(fd)
    }

    /// Writes all of `bytes` at the file's current offset.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(DatasetError) {
        guard var base = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let written = libc_write(fd, base, remaining)
            if written < 0 {
                if errno == EINTR { continue }
                throw storageError("write", path)
            }
            base += written
            remaining -= written
        }
    }

    /// Writes all of `bytes` at `offset` (the file offset is not used or moved).
    static func pwriteAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int, path: String)
        throws(DatasetError)
    {
        guard var base = bytes.baseAddress else { return }
        var remaining = bytes.count
        var position = offset
        while remaining > 0 {
            let written = libc_pwrite(fd, base, remaining, off_t(position))
            if written < 0 {
                if errno == EINTR { continue }
                throw storageError("pwrite", path)
            }
            base += written
            remaining -= written
            position += written
        }
    }

    /// Reads up to `buffer.count` bytes; returns 0 at end of file.
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, path: String) throws(DatasetError) -> Int
    {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            let count = libc_read(fd, base, buffer.count)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw storageError("read", path)
        }
    }

    /// Fills `buffer` from `offset`, failing on a short file.
    static func preadExactly(
        _ fd: Int32,
        into buffer: UnsafeMutableRawBufferPointer,
        at offset: Int,
        path: String
    ) throws(DatasetError) {
        guard var base = buffer.baseAddress else { return }
        var remaining = buffer.count
        var position = offset
        while remaining > 0 {
            let count = libc_pread(fd, base, remaining, off_t(position))
            if count < 0 {
                if errno == EINTR { continue }
                throw storageError("pread", path)
            }
            if count == 0 {
                throw DatasetError(
                    .corruptData,
                    "The dataset store is damaged",
                    underlying: "\(path): unexpected end of file at offset \(position)"
                )
            }
            base += count
            remaining -= count
            position += count
        }
    }

    static func fsync(_ fd: Int32, path: String) throws(DatasetError) {
        while libc_fsync(fd) != 0 {
            if errno == EINTR { continue }
            throw storageError("fsync", path)
        }
    }

    /// Flushes a directory's entries (after a create, rename or unlink inside it).
    static func fsyncDirectory(_ path: String) throws(DatasetError) {
        let fd = try open(path, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        try fsync(fd, path: path)
    }

    static func rename(_ from: String, _ to: String) throws(DatasetError) {
        let result = from.withCString { source in to.withCString { libc_rename(source, $0) } }
        if result != 0 { throw storageError("rename", "\(from) -> \(to)") }
    }

    /// Removes a file; a missing file is not an error.
    static func unlink(_ path: String) throws(DatasetError) {
        if path.withCString({ libc_unlink($0) }) != 0, errno != ENOENT {
            throw storageError("unlink", path)
        }
    }

    static func fileSize(_ fd: Int32, path: String) throws(DatasetError) -> Int {
        var info = stat()
        if fstat(fd, &info) != 0 { throw storageError("fstat", path) }
        return Int(info.st_size)
    }

    /// Creates `path` and its missing parents (mode 0755).
    static func makeDirectories(_ path: String) throws(DatasetError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += component
            if prefix.withCString({ mkdir($0, 0o755) }) != 0, errno != EEXIST {
                throw storageError("mkdir", prefix)
            }
            prefix += "/"
        }
    }

    /// The names in a directory, without `.` and `..`.
    static func directoryEntries(_ path: String) throws(DatasetError) -> [String] {
        guard let directory = path.withCString({ opendir($0) }) else { throw storageError("opendir", path) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Takes an exclusive, non-blocking `flock` on `path` (created if needed) and returns its descriptor.
    /// Returns `nil` when another open description holds the lock.
    static func lockFile(_ path: String) throws(DatasetError) -> Int32? {
        let fd = try open(path, O_RDWR | O_CREAT)
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            let code = errno
            close(fd)
            if code == EWOULDBLOCK { return nil }
            throw storageError("flock", path, errno: code)
        }
        return fd
    }

    /// A random lower-case hex token for temporary file names.
    static func randomToken() -> String {
        let value = UInt64.random(in: .min ... .max)
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    static func fileExists(_ path: String) -> Bool {
        var info = stat()
        return path.withCString { stat($0, &info) } == 0
    }

    /// Removes a directory tree (files and subdirectories); a missing path is not an error.
    static func removeTree(_ path: String) throws(DatasetError) {
        var info = stat()
        guard path.withCString({ lstat($0, &info) }) == 0 else {
            if errno == ENOENT { return }
            throw storageError("lstat", path)
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            for name in try directoryEntries(path) {
                try removeTree(path + "/" + name)
            }
            if path.withCString({ rmdir($0) }) != 0, errno != ENOENT { throw storageError("rmdir", path) }
        } else {
            try unlink(path)
        }
    }
}

// Inside `POSIX`, unqualified `open`, `read`, ... resolve to its own static methods; these name libc's.
@inline(__always) private func libc_open(_ path: UnsafePointer<CChar>, _ flags: Int32, _ mode: mode_t) -> Int32 {
    open(path, flags, mode)
}
@inline(__always) private func libc_close(_ fd: Int32) -> Int32 { close(fd) }
@inline(__always) private func libc_write(_ fd: Int32, _ base: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, base, count)
}
@inline(__always) private func libc_read(_ fd: Int32, _ base: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, base, count)
}
@inline(__always) private func libc_pread(
    _ fd: Int32,
    _ base: UnsafeMutableRawPointer,
    _ count: Int,
    _ offset: off_t
) -> Int {
    pread(fd, base, count, offset)
}
@inline(__always) private func libc_pwrite(
    _ fd: Int32,
    _ base: UnsafeRawPointer,
    _ count: Int,
    _ offset: off_t
) -> Int {
    pwrite(fd, base, count, offset)
}
@inline(__always) private func libc_fsync(_ fd: Int32) -> Int32 { fsync(fd) }
@inline(__always) private func libc_rename(_ from: UnsafePointer<CChar>, _ to: UnsafePointer<CChar>) -> Int32 {
    rename(from, to)
}
@inline(__always) private func libc_unlink(_ path: UnsafePointer<CChar>) -> Int32 { unlink(path) }

extension Array where Element: BitwiseCopyable {
    /// `withUnsafeBytes` with a typed-throws body.
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws(DatasetError) -> R) throws(DatasetError) -> R {
        let result: Result<R, DatasetError> = withUnsafeBytes { bytes in
            Result { () throws(DatasetError) -> R in try body(bytes) }
        }
        return try result.get()
    }

    /// `withUnsafeMutableBytes` with a typed-throws body.
    mutating func withMutableBytes<R>(
        _ body: (UnsafeMutableRawBufferPointer) throws(DatasetError) -> R
    ) throws(DatasetError) -> R {
        let result: Result<R, DatasetError> = withUnsafeMutableBytes { bytes in
            Result { () throws(DatasetError) -> R in try body(bytes) }
        }
        return try result.get()
    }
}
