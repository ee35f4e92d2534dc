// Writes YAML through libyaml's emitter API (`yaml_emitter_*`): the config emitter describes the
// document as an `EmitNode` tree, and this file turns it into emitter events and collects the bytes
// libyaml writes. Style is chosen by the caller (block or flow collections; plain or double-quoted
// scalars); libyaml does the layout, indentation and escaping. Lines are never wrapped, so a flow
// mapping stays on one line, and non-ASCII text is written as UTF-8, not escaped.

import CYAML

/// A node to emit, with its style.
indirect enum EmitNode {
    /// A scalar written plain (`relu`, `0.5`) or double-quoted (`"12"`).
    case scalar(String, quoted: Bool)
    case sequence([EmitNode], flow: Bool)
    case mapping([(key: String, value: EmitNode)], flow: Bool)

    /// A plain scalar.
    static func plain(_ text: String) -> EmitNode { .scalar(text, quoted: false) }

    /// Nodes in the tree: each scalar, list and mapping, and each mapping key.
    var size: Int {
        switch self {
        case .scalar: 1
        case .sequence(let items, _): items.reduce(1) { $0 + $1.size }
        case .mapping(let pairs, _): pairs.reduce(1) { $0 + 1 + $1.value.size }
        }
    }
}

/// Serializes `EmitNode` documents with libyaml.
enum LibYAMLEmitter {
    /// The document holding `root`, as YAML text.
    static func emit(_ root: EmitNode) -> String {
        let emitter = UnsafeMutablePointer<yaml_emitter_t>.allocate(capacity: 1)
        defer { emitter.deallocate() }
        guard yaml_emitter_initialize(emitter) == 1 else { preconditionFailure("libyaml: cannot initialize the emitter") }
        defer { yaml_emitter_delete(emitter) }
        let output = UnsafeMutablePointer<[UInt8]>.allocate(capacity: 1)
        output.initialize(to: [])
        defer { output.deinitialize(count: 1).deallocate() }
        yaml_emitter_set_output(emitter, { data, buffer, size in
            guard let data, let buffer else { return 0 }
            data.assumingMemoryBound(to: [UInt8].self).pointee.append(contentsOf: UnsafeBufferPointer(start: buffer, count: size))
            return 1
        }, output)
        yaml_emitter_set_unicode(emitter, 1)
        yaml_emitter_set_width(emitter, -1)
        yaml_emitter_set_indent(emitter, 2)

        var event = yaml_event_t()
        send(emitter, &event, yaml_stream_start_event_initialize(&event, YAML_UTF8_ENCODING))
        send(emitter, &event, yaml_document_start_event_initialize(&event, nil, nil, nil, 1))
        node(root, emitter)
        send(emitter, &event, yaml_document_end_event_initialize(&event, 1))
        send(emitter, &event, yaml_stream_end_event_initialize(&event))
        guard yaml_emitter_flush(emitter) == 1 else { fail(emitter) }
        return String(decoding: output.pointee, as: UTF8.self)
    }

    /// Emits the events for one node and its children.
    private static func node(_ node: EmitNode, _ emitter: UnsafeMutablePointer<yaml_emitter_t>) {
        var event = yaml_event_t()
        switch node {
        case .scalar(let text, let quoted):
            let bytes = Array(text.utf8) + [0]  // never empty, so the pointer is never nil
            let style = quoted ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_PLAIN_SCALAR_STYLE
            let made = bytes.withUnsafeBufferPointer { buffer in
                yaml_scalar_event_initialize(&event, nil, nil, buffer.baseAddress, Int32(buffer.count - 1), 1, 1, style)
            }
            send(emitter, &event, made)
        case .sequence(let items, let flow):
            let style = flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE
            send(emitter, &event, yaml_sequence_start_event_initialize(&event, nil, nil, 1, style))
            for item in items { self.node(item, emitter) }
            send(emitter, &event, yaml_sequence_end_event_initialize(&event))
        case .mapping(let pairs, let flow):
            let style = flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE
            send(emitter, &event, yaml_mapping_start_event_initialize(&event, nil, nil, 1, style))
            for pair in pairs {
                self.node(.plain(pair.key), emitter)
                self.node(pair.value, emitter)
            }
            send(emitter, &event, yaml_mapping_end_event_initialize(&event))
        }
    }

    /// Hands an initialized event to the emitter, which takes ownership of it.
    private static func send(
        _ emitter: UnsafeMutablePointer<yaml_emitter_t>, _ event: inout yaml_event_t, _ initialized: Int32
    ) {
        guard initialized == 1 else { preconditionFailure("libyaml: cannot create an event (out of memory)") }
        guard yaml_emitter_emit(emitter, &event) == 1 else { fail(emitter) }
    }

    /// Emitter errors mean an invalid event sequence or a failed allocation: programmer bugs.
    private static func fail(_ emitter: UnsafeMutablePointer<yaml_emitter_t>) -> Never {
        let problem = emitter.pointee.problem.map { String(cString: $0) } ?? "unknown error"
        preconditionFailure("libyaml emitter: \(problem)")
    }
}
