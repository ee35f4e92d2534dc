// The only code that reads through libyaml (LibYAMLEmitter.swift writes through it). It runs
// libyaml's event parser (never the document API) over a byte buffer read as UTF-8, turns each C
// event into a Swift `YAMLEvent` with a 1-based position, deletes the C event at once, and turns
// libyaml's errors into diagnostics that name the problem, where it is and, when libyaml gives one,
// the construct it was reading.

import CYAML

/// One parser event with its values copied out of libyaml's memory.
enum YAMLEvent {
    case streamEnd
    case documentStart
    case alias(anchor: String)
    case scalar(anchor: String?, tag: String?, text: String, style: YAMLScalarStyle)
    case sequenceStart(anchor: String?, tag: String?)
    case mappingStart(anchor: String?, tag: String?)
    /// The end of a sequence or a mapping.
    case collectionEnd
    /// Stream start and document end, which carry nothing the reader needs.
    case ignored
}

/// Runs libyaml's event parser over bytes.
enum LibYAMLEvents {
    /// Parses `bytes` and hands every event to `handle` until the stream ends or `handle` throws.
    static func parse(
        _ bytes: [UInt8], file: String,
        handle: (YAMLEvent, SourceLocation) throws(DiagnosticError) -> Void
    ) throws(DiagnosticError) {
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        defer { parser.deallocate() }
        guard yaml_parser_initialize(parser) == 1 else {
            throw DiagnosticError(Diagnostic(at: nil, "cannot read '\(file)': libyaml is out of memory"))
        }
        defer { yaml_parser_delete(parser) }
        // The input buffer must outlive the parse: it is copied into memory owned by this call.
        let input = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(bytes.count, 1))
        defer { input.deallocate() }
        _ = input.initialize(from: bytes)
        yaml_parser_set_input_string(parser, input.baseAddress, bytes.count)
        // Configs are UTF-8: without this, libyaml would read a UTF-16 byte order mark as a request
        // to decode the rest as UTF-16.
        yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)

        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(parser, &event) == 1 else {
                throw DiagnosticError(parseError(parser.pointee, bytes: bytes, file: file))
            }
            let converted = convert(event)
            let location = SourceLocation(
                file: file, line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
            yaml_event_delete(&event)
            try handle(converted, location)
            if case .streamEnd = converted { return }
        }
    }

    // MARK: - Events

    /// Copies the event's data into Swift values; the C event is deleted right after.
    private static func convert(_ event: yaml_event_t) -> YAMLEvent {
        switch event.type {
        case YAML_STREAM_END_EVENT:
            return .streamEnd
        case YAML_DOCUMENT_START_EVENT:
            return .documentStart
        case YAML_ALIAS_EVENT:
            return .alias(anchor: string(event.data.alias.anchor) ?? "")
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let text = scalar.value.map {
                String(decoding: UnsafeBufferPointer(start: $0, count: scalar.length), as: UTF8.self)
            } ?? ""
            let style: YAMLScalarStyle
            switch scalar.style {
            case YAML_PLAIN_SCALAR_STYLE: style = .plain
            case YAML_LITERAL_SCALAR_STYLE, YAML_FOLDED_SCALAR_STYLE: style = .block
            default: style = .quoted
            }
            return .scalar(anchor: string(scalar.anchor), tag: string(scalar.tag), text: text, style: style)
        case YAML_SEQUENCE_START_EVENT:
            let start = event.data.sequence_start
            return .sequenceStart(anchor: string(start.anchor), tag: string(start.tag))
        case YAML_MAPPING_START_EVENT:
            let start = event.data.mapping_start
            return .mappingStart(anchor: string(start.anchor), tag: string(start.tag))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            return .collectionEnd
        default:
            return .ignored
        }
    }

    /// A NUL-terminated libyaml string (anchors and tags), or nil for a null pointer.
    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    // MARK: - Errors

    /// The diagnostic for a failed parse: problem and position, the enclosing construct, a tab hint.
    private static func parseError(_ parser: yaml_parser_t, bytes: [UInt8], file: String) -> Diagnostic {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        let source = SourcePositions(bytes)
        switch parser.error {
        case YAML_MEMORY_ERROR:
            return Diagnostic(at: nil, "cannot read '\(file)': libyaml is out of memory")
        case YAML_READER_ERROR:
            // Reader errors (bad UTF-8, control characters) carry a byte offset, not a mark.
            let (line, column) = source.lineColumn(ofByte: parser.problem_offset)
            var message = "cannot read the file as text: \(problem)"
            if parser.problem_value >= 0 {
                message += " (byte 0x\(String(parser.problem_value, radix: 16, uppercase: true)))"
            }
            return Diagnostic(at: SourceLocation(file: file, line: line, column: column), message)
        default:
            let mark = parser.problem_mark
            var message = problem
            if let context = parser.context.map({ String(cString: $0) }) {
                let at = parser.context_mark
                let sameSpot = at.line == mark.line && at.column == mark.column
                message += sameSpot ? " (\(context))" : " (\(context) at line \(at.line + 1), column \(at.column + 1))"
            }
            let isTab = source.byte(line: Int(mark.line), column: Int(mark.column)) == UInt8(ascii: "\t")
            return Diagnostic(
                at: SourceLocation(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1),
                message, suggestion: isTab ? "tabs cannot indent YAML; use spaces" : nil)
        }
    }
}

/// Maps between byte offsets and 0-based line/column positions (columns in Unicode scalars).
struct SourcePositions {
    private let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The 1-based line and column of a byte offset.
    func lineColumn(ofByte offset: Int) -> (line: Int, column: Int) {
        var line = 1, column = 1
        for byte in bytes.prefix(offset) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return (line, column)
    }

    /// The first byte of the character at a 0-based line and column, or nil past the end.
    func byte(line: Int, column: Int) -> UInt8? {
        var index = 0, currentLine = 0
        while currentLine < line {
            guard let newline = bytes[index...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
            index = newline + 1
            currentLine += 1
        }
        var currentColumn = 0
        while index < bytes.count, bytes[index] != UInt8(ascii: "\n") {
            if bytes[index] & 0xC0 != 0x80 {
                if currentColumn == column { return bytes[index] }
                currentColumn += 1
            }
            index += 1
        }
        return nil
    }
}
