/// Errors of fine-tuning: each names the file (model, data, adapter, checkpoint) and the problem, never
/// the content of training text.
public enum TrainError: Error, CustomStringConvertible, Sendable, Equatable {
    case unsupportedModel(String, file: String)
    case invalidModel(String, file: String)
    case badDataLine(file: String, line: Int, problem: String)
    case noTrainingData(file: String, problem: String)
    case badAdapter(file: String, problem: String)
    case badCheckpoint(file: String, problem: String)
    case invalidOption(String)
    case io(file: String, problem: String)

    public var description: String {
        switch self {
        case .unsupportedModel(let s, let f): return "\(f): cannot fine-tune: \(s)"
        case .invalidModel(let s, let f): return "\(f): invalid model: \(s)"
        case .badDataLine(let f, let l, let p): return "\(f):\(l): \(p)"
        case .noTrainingData(let f, let p): return "\(f): \(p)"
        case .badAdapter(let f, let p): return "\(f): bad adapter: \(p)"
        case .badCheckpoint(let f, let p): return "\(f): bad checkpoint: \(p)"
        case .invalidOption(let s): return s
        case .io(let f, let p): return "\(f): \(p)"
        }
    }
}
