/// The xterm reference palette, used only to find the nearest colour when degrading.
///
/// Terminals are free to redefine their 16 ANSI colours, so these values are an approximation;
/// the 6×6×6 cube and the grey ramp (indices 16–255) are standard across xterm-compatible terminals.
enum Palette {
    static let ansi: [(UInt8, UInt8, UInt8)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0),
        (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0),
        (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]
    static let cubeLevels: [Int] = [0, 95, 135, 175, 215, 255]

    static func rgb(ofIndex index: UInt8) -> (UInt8, UInt8, UInt8) {
        let i = Int(index)
        if i < 16 { return ansi[i] }
        if i < 232 {
            let c = i - 16
            return (UInt8(cubeLevels[c / 36]), UInt8(cubeLevels[(c / 6) % 6]), UInt8(cubeLevels[c % 6]))
        }
        let grey = UInt8(8 + (i - 232) * 10)
        return (grey, grey, grey)
    }

    /// Nearest 256-colour index among the cube and grey ramp. Indices 0–15 are skipped because
    /// their shades vary between terminals, whereas 16–255 are fixed.
    static func nearestIndex(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        func nearestLevel(_ v: UInt8) -> Int {
            var best = 0
            for (i, level) in cubeLevels.enumerated()
            where abs(level - Int(v)) < abs(cubeLevels[best] - Int(v)) {
                best = i
            }
            return best
        }
        let (ri, gi, bi) = (nearestLevel(r), nearestLevel(g), nearestLevel(b))
        let cubeIndex = UInt8(16 + 36 * ri + 6 * gi + bi)
        let average = (Int(r) + Int(g) + Int(b)) / 3
        let greyStep = max(0, min(23, (average - 3) / 10))
        let greyIndex = UInt8(232 + greyStep)
        let cubeDistance = distance((r, g, b), rgb(ofIndex: cubeIndex))
        let greyDistance = distance((r, g, b), rgb(ofIndex: greyIndex))
        return greyDistance < cubeDistance ? greyIndex : cubeIndex
    }

    static func nearestANSI(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> ANSIColor {
        var best = 0
        var bestDistance = Int.max
        for (i, candidate) in ansi.enumerated() {
            let d = distance((r, g, b), candidate)
            if d < bestDistance {
                best = i
                bestDistance = d
            }
        }
        return ANSIColor(rawValue: UInt8(best))!
    }

    static func distance(_ a: (UInt8, UInt8, UInt8), _ b: (UInt8, UInt8, UInt8)) -> Int {
        let dr = Int(a.0) - Int(b.0)
        let dg = Int(a.1) - Int(b.1)
        let db = Int(a.2) - Int(b.2)
        return dr * dr + dg * dg + db * db
    }
}
