import PersimmonKernelsWide

/// Implicit-feedback weighted matrix factorisation (Hu, Koren, Volinsky 2008) trained by alternating least squares
/// with a few conjugate-gradient steps per row (Takács, Pilászy, Tikk 2011), as `implicit`'s `use_cg=True` solver.
///
/// Loss: Σ_{u,i} c_ui (p_ui − x_u·y_i)² + λ (Σ‖x_u‖² + Σ‖y_i‖²), with p_ui = 1 for observed cells and
/// c_ui = 1 + α·w_ui (w_ui = the cell's confidence weight, 1 for a plain event), c_ui = 1 elsewhere.
struct WeightedALS {
    struct Configuration: Sendable {
        var factors: Int
        var regularization: Float
        var alpha: Float
        var iterations: Int
        var cgSteps: Int
    }

    let configuration: Configuration

    /// Trains and returns (user factors, item factors).
    ///
    /// With `initialItems` (a warm start: trainingMode UPDATE) the item factors start from those rows instead of
    /// random ones, and the users are first solved twice against them (the user factors are not kept between
    /// versions, so they start cold), before the usual alternation.
    func train(
        userItems: CSRMatrix,
        itemUsers: CSRMatrix,
        seed: UInt64,
        threads: Int,
        cancel: CancellationFlag,
        initialItems: Matrix? = nil,
        progress: (String) -> Void
    ) throws(RecipeError) -> (users: Matrix, items: Matrix) {
        let f = configuration.factors
        var rng = Xoshiro256(seed: seed)
        // Small positive uniform start as `implicit` does; users first, then items, from one stream.
        var users = Matrix(rows: userItems.rowCount, columns: f)
        for k in 0..<users.storage.count { users.storage[k] = rng.nextFloat() * 0.01 }
        var items = Matrix(rows: itemUsers.rowCount, columns: f)
        if let initialItems {
            precondition(initialItems.rows == items.rows && initialItems.columns == f)
            items = initialItems
            try cancel.check()
            solve(target: &users, fixed: items, cells: userItems, threads: threads, cancel: cancel)
        } else {
            for k in 0..<items.storage.count { items.storage[k] = rng.nextFloat() * 0.01 }
        }
        for iteration in 1...max(1, configuration.iterations) {
            try cancel.check()
            solve(target: &users, fixed: items, cells: userItems, threads: threads, cancel: cancel)
            try cancel.check()
            solve(target: &items, fixed: users, cells: itemUsers, threads: threads, cancel: cancel)
            try cancel.check()
            progress("weighted ALS iteration \(iteration)/\(configuration.iterations)")
        }
        return (users, items)
    }

    /// One half-step: every row of `target` solved against the fixed factors, warm-started from its current value.
    func solve(target: inout Matrix, fixed: Matrix, cells: CSRMatrix, threads: Int, cancel: CancellationFlag) {
        let f = configuration.factors
        var gram = Self.gram(fixed, threads: threads).map { Float($0) }
        for d in 0..<f { gram[d * f + d] += configuration.regularization }
        let alpha = configuration.alpha
        let steps = configuration.cgSteps
        let rowCount = cells.rowCount
        gram.withUnsafeBufferPointer { gram in
            fixed.storage.withUnsafeBufferPointer { fixed in
                cells.rowStarts.withUnsafeBufferPointer { starts in
                    cells.columns.withUnsafeBufferPointer { columns in
                        cells.values.withUnsafeBufferPointer { values in
                            target.storage.withUnsafeMutableBufferPointer { target in
                                let workers = max(1, threads)
                                let wide = KernelDispatch.usesWideVectors
                                var scratch = [Float](repeating: 0, count: workers * 3 * f)
                                scratch.withUnsafeMutableBufferPointer { scratch in
                                    Parallel.forEachChunk(
                                        count: rowCount,
                                        chunkSize: 64,
                                        threads: workers,
                                        cancel: cancel
                                    ) { worker, range in
                                        let r = scratch.baseAddress! + worker * 3 * f
                                        let p = r + f
                                        let ap = p + f
                                        for row in range {
                                            if wide {
                                                WideKernels.conjugateGradient(
                                                    x: target.baseAddress! + row * f,
                                                    factors: f,
                                                    gram: gram.baseAddress!,
                                                    fixed: fixed.baseAddress!,
                                                    columns: columns.baseAddress! + starts[row],
                                                    weights: values.baseAddress! + starts[row],
                                                    count: starts[row + 1] - starts[row],
                                                    alpha: alpha,
                                                    steps: steps,
                                                    r: r,
                                                    p: p,
                                                    ap: ap
                                                )
                                                continue
                                            }
                                            Self.conjugateGradient(
                                                x: target.baseAddress! + row * f,
                                                factors: f,
                                                gram: gram.baseAddress!,
                                                fixed: fixed.baseAddress!,
                                                columns: columns.baseAddress! + starts[row],
                                                weights: values.baseAddress! + starts[row],
                                                count: starts[row + 1] - starts[row],
                                                alpha: alpha,
                                                steps: steps,
                                                r: r,
                                                p: p,
                                                ap: ap
                                            )
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// CG on (YᵀY + λI + Σ_i α w_i y_i y_iᵀ) x = Σ_i (1 + α w_i) y_i for one row.
    @inline(__always)
    static func conjugateGradient(
        x: UnsafeMutablePointer<Float>,
        factors f: Int,
        gram: UnsafePointer<Float>,
        fixed: UnsafePointer<Float>,
        columns: UnsafePointer<Int32>,
        weights: UnsafePointer<Float>,
        count: Int,
        alpha: Float,
        steps: Int,
        r: UnsafeMutablePointer<Float>,
        p: UnsafeMutablePointer<Float>,
        ap: UnsafeMutablePointer<Float>
    ) {
        if count == 0 {
            // the exact solution for a row without observations
            x.update(repeating: 0, count: f)
            return
        }
        // r = b − A x
        symmetricMatrixVector(gram, x, f, r)
        for d in 0..<f { r[d] = -r[d] }
        for k in 0..<count {
            let y = fixed + Int(columns[k]) &* f
            let c = alpha * weights[k]
            axpy((1 + c) - c * dot(y, x, f), y, r, f)
        }
        p.update(from: r, count: f)
        var rsOld = dot(r, r, f)
        if rsOld < 1e-20 { return }
        for _ in 0..<steps {
            symmetricMatrixVector(gram, p, f, ap)
            for k in 0..<count {
                let y = fixed + Int(columns[k]) &* f
                let c = alpha * weights[k]
                axpy(c * dot(y, p, f), y, ap, f)
            }
            let pAp = dot(p, ap, f)
            if !(pAp > 0) { return }
            let step = rsOld / pAp
            axpy(step, p, x, f)
            axpy(-step, ap, r, f)
            let rsNew = dot(r, r, f)
            if rsNew < 1e-20 { return }
            let beta = rsNew / rsOld
            for d in 0..<f { p[d] = r[d] + beta * p[d] }
            rsOld = rsNew
        }
    }

    /// MᵀM in double precision, summed over fixed blocks of rows in block order, so the result does not depend on
    /// the thread count.
    static func gram(_ m: Matrix, threads: Int) -> [Double] {
        let f = m.columns
        let blockRows = 4096
        let blocks = (m.rows + blockRows - 1) / blockRows
        var partial = [Float](repeating: 0, count: max(1, blocks) * f * f)
        m.storage.withUnsafeBufferPointer { rows in
            partial.withUnsafeMutableBufferPointer { partial in
                Parallel.forEachChunk(count: blocks, chunkSize: 1, threads: threads) { _, range in
                    for block in range {
                        let out = partial.baseAddress! + block * f * f
                        let end = min(m.rows, (block + 1) * blockRows)
                        for row in (block * blockRows)..<end {
                            let y = rows.baseAddress! + row * f
                            for a in 0..<f where y[a] != 0 {
                                axpy(y[a], y, out + a * f, f)
                            }
                        }
                    }
                }
            }
        }
        var result = [Double](repeating: 0, count: f * f)
        for block in 0..<blocks {
            for k in 0..<(f * f) { result[k] += Double(partial[block * f * f + k]) }
        }
        return result
    }
}

/// Dense symmetric positive definite solves in double precision (the fold-in system is f × f).
enum Cholesky {
    /// Solves A x = b in place (A is destroyed; x overwrites b). Returns false when A is not positive definite.
    static func solve(_ a: inout [Double], _ b: inout [Double], n: Int) -> Bool {
        for j in 0..<n {
            var diagonal = a[j * n + j]
            for k in 0..<j { diagonal -= a[j * n + k] * a[j * n + k] }
            guard diagonal > 0 else { return false }
            let l = diagonal.squareRoot()
            a[j * n + j] = l
            for i in (j + 1)..<max(j + 1, n) {
                var s = a[i * n + j]
                for k in 0..<j { s -= a[i * n + k] * a[j * n + k] }
                a[i * n + j] = s / l
            }
        }
        for i in 0..<n {
            var s = b[i]
            for k in 0..<i { s -= a[i * n + k] * b[k] }
            b[i] = s / a[i * n + i]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            var s = b[i]
            for k in (i + 1)..<max(i + 1, n) { s -= a[k * n + i] * b[k] }
            b[i] = s / a[i * n + i]
        }
        return true
    }
}
