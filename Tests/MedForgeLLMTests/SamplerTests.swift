import Testing
@testable import MedForgeLLM

struct SamplerTests {
    // Guards greedy decoding: temperature 0 must pick the argmax whatever the seed.
    @Test func zeroTemperatureIsArgmax() {
        var s = Sampler(SamplingOptions(temperature: 0, seed: 7))
        var l: [Float] = [0.1, 3, -1, 2.9]
        #expect(l.withUnsafeMutableBufferPointer { s.sample($0.baseAddress!, count: 4, recent: []) } == 1)
    }

    // Guards top-k: with k = 2 only the two best tokens may ever be drawn.
    @Test func topKNeverDrawsOutsideTheK() {
        var s = Sampler(SamplingOptions(temperature: 5, topK: 2, seed: 1))
        var seen = Set<Int>()
        for _ in 0..<500 {
            var l: [Float] = [1, 0.9, 0.8, 0.7, 0.6]
            seen.insert(l.withUnsafeMutableBufferPointer { s.sample($0.baseAddress!, count: 5, recent: []) })
        }
        #expect(seen == [0, 1])
    }

    // Guards seeding: the same seed gives the same draws, another seed different ones.
    @Test func sameSeedSameSequence() {
        func draws(_ seed: UInt64) -> [Int] {
            var s = Sampler(SamplingOptions(temperature: 1, seed: seed))
            return (0..<50).map { _ in
                var l: [Float] = [0, 0, 0, 0, 0, 0, 0, 0]
                return l.withUnsafeMutableBufferPointer { s.sample($0.baseAddress!, count: 8, recent: []) }
            }
        }
        #expect(draws(3) == draws(3))
        #expect(draws(3) != draws(4))
    }

    // Guards the empirical distribution: at temperature 1 draws follow softmax(logits) within sampling error.
    @Test func temperatureOneFollowsSoftmax() {
        var s = Sampler(SamplingOptions(temperature: 1, seed: 11))
        var counts = [0, 0]
        let n = 20000
        for _ in 0..<n {
            var l: [Float] = [0, logf(3)]  // p = 0.25, 0.75
            counts[l.withUnsafeMutableBufferPointer { s.sample($0.baseAddress!, count: 2, recent: []) }] += 1
        }
        #expect(abs(Double(counts[1]) / Double(n) - 0.75) < 0.015)
    }

    // Guards the repetition penalty: a penalised token loses to an unpenalised one it beat before.
    @Test func repetitionPenaltyDemotesRecentTokens() {
        var s = Sampler(SamplingOptions(temperature: 0, repetitionPenalty: 2))
        var l: [Float] = [2, 1.5]
        #expect(l.withUnsafeMutableBufferPointer { s.sample($0.baseAddress!, count: 2, recent: [0]) } == 1)
    }

    // Guards stop strings split across tokens and UTF-8 split across tokens in the streaming text.
    @Test func streamingTextHoldsBackPartialStopsAndUTF8() {
        var t = StreamingText(stops: ["</s>"])
        #expect(t.append(Array("Hi <".utf8)).0 == "Hi ")
        #expect(t.append(Array("/".utf8)) == ("", false))
        let r = t.append(Array("s> tail".utf8))
        #expect(r.1 && t.emitted == "Hi ")
        var u = StreamingText(stops: [])
        let bytes = Array("é".utf8)
        #expect(u.append([bytes[0]]).0 == "")
        #expect(u.append([bytes[1]]).0 == "é")
    }
}

#if canImport(Glibc)
import Glibc
#endif
