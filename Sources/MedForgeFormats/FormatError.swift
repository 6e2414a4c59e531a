/// A model file that cannot be read: names the file and says what was expected and what was found.
public struct FormatError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let problem: String
    public init(file: String, _ problem: String) { self.file = file; self.problem = problem }
    public var description: String { "\(file): \(problem)" }
}
