import Foundation

/// The loss curve as a small standalone SVG: training loss per step (and evaluation loss where measured).
public enum LossCurveSVG {
    public static func render(_ history: [StepRecord], title: String = "training loss") -> String {
        let w = 640.0, h = 360.0, left = 56.0, right = 16.0, top = 28.0, bottom = 40.0
        let losses = history.map(\.loss).filter { $0.isFinite } + history.compactMap(\.eval_loss).filter { $0.isFinite }
        guard let lo0 = losses.min(), let hi0 = losses.max(), let last = history.last else {
            return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(w))\" height=\"\(Int(h))\"></svg>\n"
        }
        let lo = lo0 - 0.02 * max(1e-6, hi0 - lo0), hi = hi0 + 0.02 * max(1e-6, hi0 - lo0)
        let firstStep = Double(history.first?.step ?? 0), lastStep = Double(max(last.step, (history.first?.step ?? 0) + 1))
        func x(_ s: Int) -> Double { left + (Double(s) - firstStep) / (lastStep - firstStep) * (w - left - right) }
        func y(_ l: Double) -> Double { top + (hi - l) / (hi - lo) * (h - top - bottom) }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(w))\" height=\"\(Int(h))\" font-family=\"sans-serif\" font-size=\"11\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        s += "<text x=\"\(f(w / 2))\" y=\"18\" text-anchor=\"middle\" font-size=\"13\">\(title)</text>\n"
        s += "<line x1=\"\(f(left))\" y1=\"\(f(h - bottom))\" x2=\"\(f(w - right))\" y2=\"\(f(h - bottom))\" stroke=\"black\"/>\n"
        s += "<line x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(h - bottom))\" stroke=\"black\"/>\n"
        for i in 0...4 {
            let l = lo + (hi - lo) * Double(i) / 4
            s += "<text x=\"\(f(left - 4))\" y=\"\(f(y(l) + 4))\" text-anchor=\"end\">\(String(format: "%.3g", l))</text>\n"
        }
        s += "<text x=\"\(f(left))\" y=\"\(f(h - bottom + 16))\">step \(Int(firstStep))</text>\n"
        s += "<text x=\"\(f(w - right))\" y=\"\(f(h - bottom + 16))\" text-anchor=\"end\">step \(last.step)</text>\n"
        let train = history.filter { $0.loss.isFinite }.map { "\(f(x($0.step))),\(f(y($0.loss)))" }.joined(separator: " ")
        s += "<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\" points=\"\(train)\"/>\n"
        let evals = history.compactMap { r in r.eval_loss.map { (r.step, $0) } }
        if !evals.isEmpty {
            let pts = evals.map { "\(f(x($0.0))),\(f(y($0.1)))" }.joined(separator: " ")
            s += "<polyline fill=\"none\" stroke=\"#d62728\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\" points=\"\(pts)\"/>\n"
            s += "<text x=\"\(f(w - right))\" y=\"\(f(top + 12))\" text-anchor=\"end\" fill=\"#d62728\">eval</text>\n"
        }
        s += "<text x=\"\(f(w - right))\" y=\"\(f(top))\" text-anchor=\"end\" fill=\"#1f77b4\">train</text>\n"
        return s + "</svg>\n"
    }
}
