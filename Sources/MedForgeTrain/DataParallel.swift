import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Sums buffers across the processes of a data-parallel run (an all-reduce). Every rank calls `sum` with
/// buffers of the same length, in the same order; afterwards each holds the element-wise total.
public protocol GradientReducer: AnyObject {
    var rank: Int { get }
    var size: Int { get }
    func sum(_ values: UnsafeMutablePointer<Double>, count: Int)
}

/// Open MPI, opened at run time (`dlopen("libmpi.so.40")`), so building and single-process runs need no MPI.
/// Used when the process was started by `mpirun` (OMPI_COMM_WORLD_SIZE > 1). Reduces in float64.
public final class MPIReducer: GradientReducer {
    public let rank: Int
    public let size: Int
    private typealias AllreduceFn = @convention(c) (UnsafeRawPointer?, UnsafeMutableRawPointer?, Int32, UnsafeMutableRawPointer?,
                                                     UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) -> Int32
    private let allreduce: AllreduceFn
    private let finalize: @convention(c) () -> Int32
    private let world, double, sumOp: UnsafeMutableRawPointer

    /// nil when not launched by mpirun with more than one rank.
    public static func fromEnvironment() throws -> MPIReducer? {
        guard let s = ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_SIZE"], let n = Int(s), n > 1 else { return nil }
        return try MPIReducer()
    }

    init() throws {
        guard let lib = dlopen("libmpi.so.40", RTLD_NOW | RTLD_GLOBAL) ?? dlopen("libmpi.so", RTLD_NOW | RTLD_GLOBAL) else {
            throw TrainError.invalidOption("launched under mpirun but libmpi.so.40 (Open MPI) cannot be loaded")
        }
        func sym(_ name: String) throws -> UnsafeMutableRawPointer {
            guard let p = dlsym(lib, name) else { throw TrainError.invalidOption("Open MPI symbol \(name) missing") }
            return p
        }
        typealias InitFn = @convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) -> Int32
        typealias RankFn = @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<Int32>) -> Int32
        let initFn = unsafeBitCast(try sym("MPI_Init"), to: InitFn.self)
        let rankFn = unsafeBitCast(try sym("MPI_Comm_rank"), to: RankFn.self)
        let sizeFn = unsafeBitCast(try sym("MPI_Comm_size"), to: RankFn.self)
        allreduce = unsafeBitCast(try sym("MPI_Allreduce"), to: AllreduceFn.self)
        finalize = unsafeBitCast(try sym("MPI_Finalize"), to: (@convention(c) () -> Int32).self)
        // Open MPI's handles are the addresses of its predefined objects.
        world = try sym("ompi_mpi_comm_world"); double = try sym("ompi_mpi_double"); sumOp = try sym("ompi_mpi_op_sum")
        guard initFn(nil, nil) == 0 else { throw TrainError.invalidOption("MPI_Init failed") }
        var r: Int32 = 0, n: Int32 = 0
        _ = rankFn(world, &r); _ = sizeFn(world, &n)
        rank = Int(r); size = Int(n)
    }

    public func sum(_ values: UnsafeMutablePointer<Double>, count: Int) {
        let inPlace = UnsafeRawPointer(bitPattern: 1)   // MPI_IN_PLACE in Open MPI
        _ = allreduce(inPlace, values, Int32(count), double, sumOp, world)
    }

    public func shutdown() { _ = finalize() }
}

/// In-process stand-in for MPI (tests, threads as ranks): every rank's `sum` waits for all ranks.
public final class LocalReducerGroup: @unchecked Sendable {
    let size: Int
    private let lock = NSCondition()
    private var buffers: [[Double]]
    private var arrived = 0, generation = 0
    private var result: [Double] = []

    public init(size: Int) { self.size = size; buffers = Array(repeating: [], count: size) }

    public func reducer(rank: Int) -> GradientReducer { Member(group: self, rank: rank) }

    final class Member: GradientReducer {
        let group: LocalReducerGroup
        let rank: Int
        var size: Int { group.size }
        init(group: LocalReducerGroup, rank: Int) { self.group = group; self.rank = rank }
        func sum(_ values: UnsafeMutablePointer<Double>, count: Int) { group.sum(rank: rank, values, count) }
    }

    func sum(rank: Int, _ values: UnsafeMutablePointer<Double>, _ count: Int) {
        lock.lock()
        let gen = generation
        buffers[rank] = Array(UnsafeBufferPointer(start: values, count: count))
        arrived += 1
        if arrived == size {
            // Sum in rank order, like a deterministic all-reduce.
            result = [Double](repeating: 0, count: count)
            for b in buffers { for i in 0..<count { result[i] += b[i] } }
            arrived = 0
            generation += 1
            lock.broadcast()
        } else {
            while generation == gen { lock.wait() }
        }
        for i in 0..<count { values[i] = result[i] }
        lock.unlock()
    }
}
