// Owned, 64-byte-aligned Float memory for one arena: parameters, their gradients, optimizer state
// or activations. Allocated once when a run starts and never resized, so the training step never
// allocates; `zero()` is one fill.

/// A fixed block of aligned, zero-initialized floats.
public final class FloatArena {
    /// First value; valid for `count` floats.
    public let base: UnsafeMutablePointer<Float>
    public let count: Int

    /// Allocates `count` floats (at least one) aligned to 64 bytes, all zero.
    public init(count: Int) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: max(1, count) * MemoryLayout<Float>.stride, alignment: 64)
        base = raw.bindMemory(to: Float.self, capacity: max(1, count))
        base.initialize(repeating: 0, count: max(1, count))
    }

    deinit { UnsafeMutableRawPointer(base).deallocate() }

    /// Sets every value to zero.
    public func zero() { base.update(repeating: 0, count: count) }

    /// The values as an array (for tests and writing files; allocates).
    public func values(offset: Int = 0, count: Int? = nil) -> [Float] {
        Array(UnsafeBufferPointer(start: base + offset, count: count ?? self.count - offset))
    }
}
