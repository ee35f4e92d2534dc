// `train.schedule`, `train.warmup` and `train.clip`. A schedule is a mapping with `type` and that
// type's keys (PyTorch's lr_scheduler arguments in snake_case); `cosine`'s `t_max` defaults to the
// epochs after warmup, and `plateau`'s `monitor` to val_loss with validation data, else loss.
// Watching a validation metric without validation data is an error here, not after an epoch.

extension ConfigDecoder {
    /// The keys of each schedule type, in schema order.
    static let scheduleKeys: [String: [String]] = [
        "constant": ["type"],
        "step": ["type", "step_size", "gamma"],
        "multistep": ["type", "milestones", "gamma"],
        "exponential": ["type", "gamma"],
        "cosine": ["type", "t_max", "min_lr"],
        "plateau": ["type", "monitor", "factor", "patience", "threshold", "threshold_mode", "cooldown", "min_lr"],
    ]
    /// The keys of `train.warmup` and `train.clip`.
    static let warmupKeys = ["epochs", "start_factor"]
    static let clipKeys = ["max_norm", "value"]
    /// Largest step size, milestone, t_max, patience or cooldown accepted (in epochs).
    static let maxScheduleEpochs = 10_000_000

    /// `schedule`; `epochs` (after warmup) is the default `t_max`, and `hasValidation` says whether
    /// the config has validation data (which decides plateau's default monitor).
    func schedule(_ node: YAMLNode, path: String, epochs: Int?, hasValidation: Bool, loss: Loss?) -> ScheduleSpec? {
        guard let fields = Fields(node, path: path, in: self, expected: "a schedule mapping",
                                  suggestion: "write it as {type: cosine}") else { return nil }
        let types = ScheduleSpec.typeNames
        let type = fields.required("type", in: self, holding: "one of \(types.joined(separator: ", "))")
            .flatMap { choice($0, fields.path("type"), noun: "schedule", options: types) }
        let everyKey = Set(Self.scheduleKeys.values.joined())
        fields.checkKeys(type.flatMap { Self.scheduleKeys[$0] } ?? everyKey.sorted(), in: self) { key in
            guard let type, everyKey.contains(key) else { return nil }
            return "'\(key)' is not a key of schedule type \(type)"
        }
        let epochRange = 1...Self.maxScheduleEpochs
        let epochText = "a number of epochs from 1 to \(Self.maxScheduleEpochs)"
        let gamma = { (required: Bool) -> Double? in
            let expected = "a positive factor, e.g. 0.1"
            if required {
                return fields.required("gamma", in: self, holding: expected)
                    .flatMap { self.number($0, fields.path("gamma"), expected: expected) { $0 > 0 } }
            }
            return fields.number("gamma", default: Defaults.scheduleGamma, expected: expected, in: self) { $0 > 0 }
        }
        switch type {
        case "constant"?:
            return .constant
        case "step"?:
            let stepSize = fields.required("step_size", in: self, holding: "epochs between decays")
                .flatMap { int($0, fields.path("step_size"), expected: epochText, in: epochRange) }
            guard let stepSize, let gamma = gamma(false) else { return nil }
            return .step(stepSize: stepSize, gamma: gamma)
        case "multistep"?:
            let milestones = fields.required("milestones", in: self, holding: "a list of epochs, e.g. [30, 80]")
                .flatMap { self.milestones($0, fields.path("milestones")) }
            guard let milestones, let gamma = gamma(false) else { return nil }
            return .multistep(milestones: milestones, gamma: gamma)
        case "exponential"?:
            return gamma(true).map { .exponential(gamma: $0) }
        case "cosine"?:
            let tMax = fields.int("t_max", default: max(1, epochs ?? 1), expected: epochText, in: epochRange, in: self)
            let minLR = self.minLR(fields)
            guard let tMax, let minLR else { return nil }
            return .cosine(tMax: tMax, minLR: minLR)
        case "plateau"?:
            return plateau(fields, hasValidation: hasValidation, loss: loss).map(ScheduleSpec.plateau)
        default:
            return nil
        }
    }

    private func plateau(_ fields: Fields, hasValidation: Bool, loss: Loss?) -> PlateauSpec? {
        let monitor = fields["monitor"].map { self.monitor($0, path: fields.path("monitor"), hasValidation: hasValidation, loss: loss) }
            ?? Defaults.monitor(hasValidation: hasValidation)
        let epochs = "a number of epochs from 0 to \(Self.maxScheduleEpochs)"
        let factor = fields.number("factor", default: Defaults.plateauFactor, expected: "a factor in (0, 1)", in: self) {
            $0 > 0 && $0 < 1
        }
        let patience = fields.int("patience", default: Defaults.plateauPatience, expected: epochs,
                                  in: 0...Self.maxScheduleEpochs, in: self)
        let threshold = fields.number("threshold", default: Defaults.plateauThreshold, expected: "a non-negative number",
                                      in: self) { $0 >= 0 }
        let modes = PlateauSpec.ThresholdMode.allCases.map(\.rawValue)
        let mode = fields["threshold_mode"].map {
            choice($0, fields.path("threshold_mode"), noun: "threshold mode", options: modes)
                .flatMap(PlateauSpec.ThresholdMode.init(rawValue:))
        } ?? .rel
        let cooldown = fields.int("cooldown", default: 0, expected: epochs, in: 0...Self.maxScheduleEpochs, in: self)
        let minLR = self.minLR(fields)
        guard let monitor, let factor, let patience, let threshold, let mode, let cooldown, let minLR else { return nil }
        return PlateauSpec(monitor: monitor, factor: factor, patience: patience, threshold: threshold,
                           thresholdMode: mode, cooldown: cooldown, minLR: minLR)
    }

    private func minLR(_ fields: Fields) -> Double? {
        fields.number("min_lr", default: 0, expected: "a non-negative learning rate", in: self) { $0 >= 0 }
    }

    /// `milestones`: a non-empty list of strictly increasing epochs.
    private func milestones(_ node: YAMLNode, _ path: String) -> [Int]? {
        guard let items = node.items, !items.isEmpty else {
            report(node, path, "expected a non-empty list of epochs, found \(node.items == nil ? node.found : "an empty list")",
                   suggestion: "e.g. milestones: [30, 80]")
            return nil
        }
        let values = items.enumerated().map { index, item in
            int(item, "\(path)[\(index)]", expected: "an epoch from 1 to \(Self.maxScheduleEpochs)", in: 1...Self.maxScheduleEpochs)
        }
        let milestones = values.compactMap { $0 }
        guard milestones.count == values.count else { return nil }
        if let bad = milestones.indices.dropFirst().first(where: { milestones[$0] <= milestones[$0 - 1] }) {
            report(items[bad], "\(path)[\(bad)]",
                   "milestones must increase, found \(milestones[bad]) after \(milestones[bad - 1])")
            return nil
        }
        return milestones
    }

    /// `warmup: {epochs, start_factor}`.
    func warmup(_ node: YAMLNode, path: String) -> WarmupSpec? {
        guard let fields = Fields(node, path: path, in: self, expected: "a warmup mapping",
                                  suggestion: "write it as {epochs: 5, start_factor: 0.1}") else { return nil }
        fields.checkKeys(Self.warmupKeys, in: self)
        let epochs = fields.required("epochs", in: self, holding: "the number of warmup epochs")
            .flatMap { int($0, fields.path("epochs"), expected: "a number of epochs from 1 to \(Self.maxScheduleEpochs)",
                           in: 1...Self.maxScheduleEpochs) }
        let startFactor = fields.number("start_factor", default: Defaults.warmupStartFactor, expected: "a factor in (0, 1]",
                                        in: self) { $0 > 0 && $0 <= 1 }
        guard let epochs, let startFactor else { return nil }
        return WarmupSpec(epochs: epochs, startFactor: startFactor)
    }

    /// `clip: {max_norm: x}` or `clip: {value: x}`: exactly one of the two.
    func clip(_ node: YAMLNode, path: String) -> ClipSpec? {
        guard let fields = Fields(node, path: path, in: self, expected: "a clipping mapping",
                                  suggestion: "write it as {max_norm: 1.0} or {value: 0.5}") else { return nil }
        fields.checkKeys(Self.clipKeys, in: self)
        let given = Self.clipKeys.filter { fields[$0] != nil }
        guard given.count == 1, let key = given.first, let value = fields[key] else {
            report(fields.node, path, given.isEmpty ? "expected max_norm or value, found neither"
                                                     : "expected one of max_norm and value, found both",
                   suggestion: "clip by the global norm {max_norm: 1.0} or by value {value: 0.5}")
            return nil
        }
        let number = self.number(value, fields.path(key), expected: "a positive number") { $0 > 0 }
        return number.map { key == "max_norm" ? .norm(maxNorm: $0) : .value($0) }
    }
}
