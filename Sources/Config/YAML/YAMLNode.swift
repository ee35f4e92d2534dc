// The in-memory tree the YAML reader builds from libyaml's events: scalars keep their text, style
// and tag (typing happens later, see ScalarTyping.swift), mappings keep their entries in file order,
// and every node knows where it was written. Aliases are expanded into copies of the anchored node
// (value types share storage, so a copy is cheap); `<<` merge keys are already applied.

/// How a scalar was written; only plain scalars are typed, every other style is a string.
enum YAMLScalarStyle {
    /// Unquoted, e.g. `relu`, `0.5`, `true`.
    case plain
    /// In single or double quotes.
    case quoted
    /// A `|` or `>` block scalar.
    case block
}

/// A scalar: its text exactly as libyaml delivered it, how it was written and its explicit tag.
struct YAMLScalar {
    var text: String
    var style: YAMLScalarStyle
    /// The core-schema tag in short form (`!!int`), or nil when the scalar had none.
    var tag: CoreTag?
}

/// One key/value pair of a mapping.
struct YAMLEntry {
    var key: YAMLNode
    var value: YAMLNode
}

/// A node of the YAML tree with its 1-based position.
struct YAMLNode {
    /// The three kinds of YAML node.
    enum Kind {
        case scalar(YAMLScalar)
        case sequence([YAMLNode])
        case mapping([YAMLEntry])
    }

    var kind: Kind
    /// Where the node starts (its anchor or tag when it has one).
    var location: SourceLocation
    /// Nodes in this subtree, counting itself; aliases count their whole expansion.
    var size: Int
    /// Levels of lists and mappings in this subtree: 0 for a scalar, 1 for a flat list.
    var height: Int

    /// The scalar, or nil for a collection.
    var scalar: YAMLScalar? {
        if case .scalar(let scalar) = kind { return scalar }
        return nil
    }

    /// The mapping entries, or nil when the node is not a mapping.
    var entries: [YAMLEntry]? {
        if case .mapping(let entries) = kind { return entries }
        return nil
    }

    /// The list items, or nil when the node is not a sequence.
    var items: [YAMLNode]? {
        if case .sequence(let items) = kind { return items }
        return nil
    }

    /// The key text when this node is a scalar used as a mapping key.
    var keyText: String? { scalar?.text }

    /// A short description for messages: `'abc'`, `the quoted string '12'`, `a list`, `nothing`.
    var found: String {
        switch kind {
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        case .scalar(let scalar):
            let shown = Self.excerpt(scalar.text)
            switch scalar.style {
            case .plain: return scalar.text.isEmpty ? "nothing" : "'\(shown)'"
            case .quoted: return "the quoted string '\(shown)'"
            case .block: return "a block string '\(shown)'"
            }
        }
    }

    /// The subtree with every location (keys' too) passed through `transform`.
    func relocated(_ transform: (SourceLocation) -> SourceLocation) -> YAMLNode {
        var copy = self
        copy.location = transform(location)
        switch kind {
        case .scalar:
            break
        case .sequence(let items):
            copy.kind = .sequence(items.map { $0.relocated(transform) })
        case .mapping(let entries):
            copy.kind = .mapping(entries.map {
                YAMLEntry(key: $0.key.relocated(transform), value: $0.value.relocated(transform))
            })
        }
        return copy
    }

    /// The text shortened to 40 characters with control characters escaped, for messages.
    static func excerpt(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars.prefix(40) {
            out += scalar.value < 0x20 || scalar.value == 0x7F
                ? scalar.escaped(asASCII: true) : String(scalar)
        }
        return text.unicodeScalars.count > 40 ? out + "…" : out
    }
}
