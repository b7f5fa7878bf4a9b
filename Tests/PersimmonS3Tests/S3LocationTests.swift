import PersimmonS3
import Testing

@Suite struct S3LocationTests {
    @Test("parses s3 URLs into bucket and key", arguments: [
        ("s3://bucket/key.csv", "bucket", "key.csv"),
        ("s3://bucket/folder/", "bucket", "folder/"),
        ("s3://bucket", "bucket", ""),
        ("s3://bucket/a/b/c.csv", "bucket", "a/b/c.csv"),
    ])
    func parses(url: String, bucket: String, key: String) throws {
        let location = try #require(S3Location(url: url))
        #expect(location.bucket == bucket)
        #expect(location.key == key)
        #expect(location.description == "s3://\(bucket)/\(key)")
    }

    @Test("rejects what is not an s3 URL with a bucket", arguments: ["http://bucket/key", "s3:///key", "s3://", "bucket/key"])
    func rejects(url: String) {
        #expect(S3Location(url: url) == nil)
    }
}
