import Foundation
import Testing
@testable import MedForgeTokenizers

/// Locates test fixtures copied into the test bundle.
enum Fixture {
    static func url(_ name: String) throws -> URL {
        let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
        let url = Bundle.module.url(forResource: parts[0], withExtension: parts.count > 1 ? parts[1] : nil,
                                    subdirectory: "Fixtures")
        return try #require(url, "fixture \(name) missing")
    }
    static func data(_ name: String) throws -> Data { try Data(contentsOf: url(name)) }
}

struct GoldenCase: Decodable {
    let text: String
    let ids: [Int]
}
