"""践诺跟踪 (issue 17, tracking.md A1–A3, A7, C): the commitment ledger and its status machine (挂号 → 推进中 → 报结 →
销号, 退回, 逾期, 反弹, 撤销, 免责), weekly progress reports, hashed evidence, 挂牌督办, extensions, exemptions
(保护清单), assessed roles, and the ledger/detail/timeline queries; the cadence (weekly grid, 月查, ranking,
circulars, patrols) in the modules beside them. Domain code: no Qt, no reports. Import the submodules directly.
"""
