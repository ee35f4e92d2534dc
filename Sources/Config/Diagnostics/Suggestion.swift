// "Did you mean …?" for misspelled names: the closest candidate by Damerau–Levenshtein distance
// (case-insensitive), accepted only when the distance is small relative to the word's length.
// Bounded whatever the input: words longer than `maxWordLength` get no suggestion, a candidate
// whose length alone puts it out of reach is skipped, and each distance is computed only inside
// the band that could still beat the best so far, stopping as soon as a row leaves it. Many lookups
// against one list go through `SuggestionList`, which sorts the names once and suggests for the
// first 100 misses only. So a config of thousands of similar names, long or short, each misspelled,
// costs a fraction of a second, not minutes.

/// Finds the closest known name to a misspelled one.
public enum Suggestion {
    /// Longer words get no suggestion: a typo fix for a 2,000-character name helps nobody, and the
    /// distance's cost grows with the length.
    public static let maxWordLength = 64

    /// The candidate closest to `word`, if close enough to be a likely typo; nil otherwise. Ties go
    /// to the first candidate.
    public static func closest(to word: String, in candidates: some Sequence<String>) -> String? {
        let target = Array(word.lowercased().unicodeScalars)
        guard target.count <= maxWordLength else { return nil }
        let reach = max(1, target.count / 3)
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            let bound = min(reach, (best?.distance ?? Int.max) - 1)
            if bound < 0 { break }
            // Lowercasing at most triples a name's scalars, so a name this long is out of reach
            // before it is lowercased; the distance then checks the exact lengths first.
            if candidate.unicodeScalars.count > 3 * (target.count + bound) { continue }
            if let distance = editDistance(target, Array(candidate.lowercased().unicodeScalars), atMost: bound) {
                best = (candidate, distance)
            }
        }
        return best?.name
    }

    /// `did you mean 'x'?` for the closest candidate, or nil.
    public static func didYouMean(_ word: String, in candidates: some Sequence<String>) -> String? {
        closest(to: word, in: candidates).map { "did you mean '\($0)'?" }
    }

    /// Optimal string alignment distance (insertions, deletions, substitutions, adjacent swaps) when
    /// it is at most `limit`, else nil. Only cells within `limit` of the diagonal can lead to such a
    /// distance, so only they are computed; cells outside hold `limit + 1`, and a row whose cells all
    /// exceed `limit` ends the search (a row's minimum never decreases further down).
    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], atMost limit: Int) -> Int? {
        guard abs(a.count - b.count) <= limit else { return nil }
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        let far = limit + 1
        var before = [Int](repeating: far, count: b.count + 1)
        var previous = (0...b.count).map { min($0, far) }
        var current = [Int](repeating: far, count: b.count + 1)
        for i in 1...a.count {
            let low = max(1, i - limit), high = min(b.count, i + limit)
            current[0] = min(i, far)
            if low > 1 { current[low - 1] = far }
            var rowMinimum = current[0]
            for j in low...high {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var cell = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    cell = min(cell, before[j - 2] + 1)
                }
                current[j] = min(cell, far)
                rowMinimum = min(rowMinimum, current[j])
            }
            if high < b.count { current[high + 1] = far }
            if rowMinimum > limit { return nil }
            (before, previous, current) = (previous, current, before)
        }
        return previous[b.count] <= limit ? previous[b.count] : nil
    }
}

/// Did-you-mean for many lookups against one list of names (a graph's layers, a file's tensors):
/// the names are sorted once, at the first lookup, and only the first `limit` lookups get a
/// suggestion. A list of 8,000 similar names each misspelled once would otherwise cost 64 million
/// distances; nobody reads past the first screen of errors anyway.
public struct SuggestionList {
    private var unsorted: [String]
    private var names: [String]?
    private var remaining: Int

    public init(_ names: some Sequence<String>, limit: Int = 100) {
        (unsorted, remaining) = (Array(names), limit)
    }

    /// `did you mean 'x'?` for the closest name, or nil (also once `limit` lookups have been made).
    public mutating func didYouMean(_ word: String) -> String? {
        guard remaining > 0 else { return nil }
        remaining -= 1
        if names == nil { names = unsorted.sorted() }
        return Suggestion.didYouMean(word, in: names!)
    }
}
