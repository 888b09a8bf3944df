"""Chinese names for the audit log's action codes, entities (tables) and fields (columns and before/after keys).

Codes stay English in the database; the audit viewer shows these labels, and a code missing here is shown as it is
(so a new write function never breaks the viewer — add its label here when you add it).
"""
from __future__ import annotations

from villagevote.i18n import tr
from villagevote.models import enums as e

ACTIONS: dict[str, str] = {
    # generic
    "create": tr("新建"), "update": tr("修改"), "delete": tr("删除"), "add": tr("添加"), "remove": tr("移除"),
    "register": tr("登记"), "import": tr("导入"), "copy": tr("复制"), "set": tr("设置"), "clear": tr("清除"),
    "correct": tr("更正"), "restore": tr("恢复"), "status": tr("更改状态"), "remember": tr("记住导入列对应"),
    # users
    "create_first_admin": tr("创建首位管理员"), "create_user": tr("添加用户"), "set_user_role": tr("更改角色"),
    "enable_user": tr("启用用户"), "disable_user": tr("停用用户"), "set_password": tr("重设密码"),
    "change_own_password": tr("修改本人密码"), "password_upgrade": tr("密码加密升级"), "login": tr("登录"),
    "login_failed": tr("登录失败"), "logout": tr("注销"),
    # qualification review
    "record_finding": tr("记录核查结果"), "review": tr("审查"), "signoff": tr("部门联审意见"),
    "import_catalog": tr("导入资格条件目录"), "copy_rule_set": tr("复制资格条件目录"), "bind_rule_set": tr("选定资格条件目录"),
    "add_rule": tr("增加资格条件"), "update_rule": tr("修改资格条件"), "delete_rule": tr("删除资格条件"),
    "county_review_export": tr("导出县级联审表"), "county_review_import": tr("导入县级联审结果"),
    # pledges
    "goals": tr("任期目标"), "sign": tr("签诺"), "refuse": tr("拒绝签诺"), "scan": tr("上传签字扫描件"),
    "strike": tr("删除承诺条目"), "triggers": tr("辞职承诺情形"), "back_to_draft": tr("退回草稿"),
    "template_update": tr("按模板更新"), "template_copy": tr("复制承诺模板"), "template_version": tr("新建模板版本"),
    "pledge_kinds": tr("设置承诺种类"),
    # scoring
    "add_participants": tr("添加比选人员"), "remove_participant": tr("移除比选人员"), "save_sheet": tr("保存评分表"),
    "apply_outcome": tr("确定初步人选"),
    # voters
    "answer": tr("答复异议"), "cancel": tr("取消"), "revoke": tr("撤销委托"),
    # elections
    "print_ballots": tr("印制选票"), "tally": tr("录入计票"), "tally_counts": tr("录入投票人数"), "ballot": tr("录入选票"),
    "ballot_undo": tr("撤销上一张选票"), "merge_write_in": tr("合并另选他人"), "unmerge_write_in": tr("取消合并另选他人"),
    "compute_result": tr("计算选举结果"), "resolve_tie": tr("记录票数相等处理"), "lock": tr("确认为正式结果"),
    "reopen": tr("重新开启结果"),
    # 践诺跟踪 (a commitment's "reopen" is 反弹: the same code, shown as above)
    "report_done": tr("报结"), "accept": tr("销号"), "reject": tr("退回"), "withdraw": tr("撤销事项"),
    "attach": tr("添加佐证材料"), "supervise": tr("挂牌督办"), "urge": tr("催办"), "receipt": tr("督办回执"),
    "lift": tr("解除督办"), "request_extension": tr("申请延期"), "decide_extension": tr("审批延期"),
    "grant_exemption": tr("列入保护清单"), "appoint": tr("任命考核岗位"), "end_role": tr("离任"),
    # 双述双评 (issue 18)
    "propose": tr("提出处理建议"), "grade": tr("评定等次"), "confirm": tr("确认"), "record_meeting": tr("登记会议缺席"),
    "record_absence": tr("登记离村"), "resigned": tr("记录辞职"), "refused_resignation": tr("记录拒不辞职"),
    "verdict": tr("认定兑现结论"), "special_assessment": tr("专项考核"),
    # 统计上报 (issue 19)
    "generate": tr("生成统计报送"), "approve": tr("审核通过"), "supersede": tr("被更正报送取代"), "export": tr("导出"),
    "county_merge": tr("汇总统计工作簿"),
}

ENTITIES: dict[str, str] = {
    "app_user": tr("用户"), "setting": tr("设置"), "township": tr("乡镇"), "village": tr("村"),
    "village_milestone": tr("换届时间节点"), "election_cycle": tr("换届届次"), "organization": tr("组织"),
    "person": tr("人员"), "relationship": tr("亲属关系"), "candidacy": tr("候选人登记"), "finding": tr("资格核查结果"),
    "review_step": tr("资格审查"), "department_signoff": tr("部门联审"), "rule_set": tr("资格条件目录"),
    "rule": tr("资格条件"), "pledge": tr("承诺书"), "pledge_item": tr("承诺条目"), "pledge_template": tr("承诺模板"),
    "commitment": tr("践诺事项"), "report_submission": tr("统计报送"), "county_merge": tr("统计汇总"), "score_scheme": tr("评分方案"), "score_sheet": tr("评分表"), "rater": tr("评分人"),
    "recusal": tr("回避"), "score_adjustment": tr("加减分"), "score_tie_decision": tr("同分处理"),
    "voter": tr("选民"), "objection": tr("选民名单异议"), "proxy": tr("委托投票"), "import_mapping": tr("导入列对应"),
    "contest": tr("选举"), "ballot_candidate": tr("选票候选人"), "spoilt_ballot": tr("废票登记"),
    "progress_report": tr("进展报告"), "attachment": tr("佐证材料"), "supervision": tr("挂牌督办"),
    "supervision_urge": tr("催办记录"), "extension": tr("延期申请"), "exemption": tr("保护清单"),
    "assessed_role": tr("考核岗位"), "inspection_finding": tr("检查发现问题"), "flag": tr("处理"),
    "evaluation_session": tr("评议会议"), "evaluation_count": tr("评议票数"), "meeting_record": tr("会议记录"),
    "meeting_absence": tr("会议缺席"), "absence_record": tr("离村记录"),
}

FIELDS: dict[str, str] = {
    "id": tr("编号"), "name": tr("名称/姓名"), "username": tr("用户名"), "display_name": tr("姓名"), "role": tr("角色"),
    "active": tr("启用"), "value": tr("值"), "note": tr("备注"), "code": tr("代码"), "title": tr("标题"),
    "status": tr("状态"), "status_reason": tr("状态原因"), "status_date": tr("状态日期"), "reason": tr("理由"),
    "created_at": tr("创建时间"), "updated_at": tr("修改时间"), "version": tr("版本"), "kind": tr("类别"),
    "source": tr("来源"), "file": tr("文件"), "sheet": tr("工作表"), "mapping": tr("列对应"),
    # people
    "id_number": tr("身份证号码"), "gender": tr("性别"), "birth_date": tr("出生日期"), "age": tr("年龄"),
    "phone": tr("电话"), "education": tr("学历"), "political_status": tr("政治面貌"), "village_id": tr("村"),
    "group_id": tr("村民小组"), "township_id": tr("乡镇"), "cycle_id": tr("届次"), "person_id": tr("人员"),
    "name_initials": tr("姓名首字母"), "name_sort": tr("姓氏笔画排序键"), "relation": tr("关系"),
    "residence_since": tr("居住起始"), "category": tr("选民类别"), "eligible": tr("有选举权"),
    "ineligible_reason": tr("无选举权原因"), "voter_id": tr("选民"), "added": tr("新增"), "updated": tr("更新"),
    # candidacies and review
    "candidacy_id": tr("候选人登记"), "candidacy_ids": tr("候选人登记"), "organization_id": tr("组织"),
    "post": tr("职务"), "posts": tr("职务"), "incumbent": tr("现任"), "application_date": tr("报名日期"),
    "rule_id": tr("资格条件"), "rule_set_id": tr("资格条件目录"), "result": tr("核查结果"), "department": tr("部门"),
    "evidence": tr("依据"), "event_date": tr("发生日期"), "expiry_date": tr("影响期满日期"), "recorded_by": tr("记录人"),
    "recorded_at": tr("记录时间"), "stage": tr("审查环节"), "decision": tr("决定"), "reviewer": tr("审查人"),
    "decided_on": tr("决定日期"), "superseded": tr("已被取代"), "has_issue": tr("有问题"), "opinion": tr("意见"),
    "handler": tr("经办人"), "signed_on": tr("签署日期"), "source_file": tr("来源文件"),
    "final_verdict_note": tr("结论说明"), "catalog_key": tr("目录标识"), "region": tr("地区"), "year": tr("年份"),
    "frozen": tr("已冻结"), "parent_id": tr("上级"), "kinship_bar": tr("亲属回避规定"), "export_id": tr("导出编号"),
    "sha256": tr("文件校验值"), "signoffs": tr("联审意见数"), "findings": tr("核查结果数"),
    # pledges and commitments
    "pledge_id": tr("承诺书"), "pledge_item_id": tr("承诺条目"), "template_id": tr("模板"), "items": tr("条目"),
    "item_code": tr("条目代码"), "item_kind": tr("条目类别"), "rendered_title": tr("标题"), "rendered_text": tr("正文"),
    "rendered_json": tr("内容"), "witness": tr("见证人"), "scan_path": tr("扫描件"), "scan_sha256": tr("扫描件校验值"),
    "refused_on": tr("拒签日期"), "refusal_note": tr("拒签说明"), "struck": tr("已删除"), "struck_reason": tr("删除理由"),
    "target": tr("目标"), "deadline": tr("期限"), "percent_done": tr("完成比例"), "done_on": tr("完成日期"),
    "starts_on": tr("开始日期"), "term_years": tr("任期年数"),
    # scoring
    "scheme_id": tr("评分方案"), "definition": tr("方案内容"), "rater": tr("评分人"), "rater_id": tr("评分人"),
    "weight": tr("权重"), "points": tr("分数"), "values": tr("各项分数"), "complete": tr("已完成"),
    "sort_order": tr("顺序"),
    # voters: objections and proxies
    "about_name": tr("所涉人员"), "raised_by": tr("提出人"), "request": tr("请求"), "ground": tr("理由"),
    "received_on": tr("收到日期"), "answer": tr("答复"), "answer_due": tr("答复期限"), "answered_on": tr("答复日期"),
    "filed_late": tr("逾期提出"), "principal_id": tr("委托人"), "holder_id": tr("受委托人"),
    "authorized_on": tr("委托日期"), "approved": tr("已批准"), "consent_note": tr("同意说明"),
    # township
    "county": tr("县（市、区）"), "households": tr("户数"), "population": tr("人口"), "election_day": tr("选举日"),
    "profile": tr("换届规则设置"),
    # elections
    "contest_id": tr("选举"), "round": tr("轮次"), "mode": tr("方式"), "held_on": tr("选举日期"),
    "electorate": tr("登记选民/应到党员"), "present": tr("到会人数"), "ballots_printed": tr("印制选票"),
    "ballots_issued": tr("发出选票"), "ballots_returned": tr("收回选票"), "ballots_invalid": tr("废票"),
    "ballots_entered": tr("已录选票"), "issued": tr("发出选票"), "returned": tr("收回选票"), "copies": tr("份数"),
    "tally_mode": tr("计票方式"), "double_entry": tr("双人录入"), "entry_no": tr("录入次"), "marks": tr("划票"),
    "write_ins": tr("另选他人"), "invalid_posts": tr("该职务无效"), "wholly_invalid": tr("整张无效"),
    "serial": tr("序号"), "scope": tr("范围"), "entered_by": tr("录入人"), "valid": tr("选举有效"),
    "elected": tr("当选"), "unfilled": tr("缺额"), "ties": tr("票数相等"), "official": tr("正式结果"),
    "official_by": tr("确认人"), "official_at": tr("确认时间"), "official_digest": tr("结果校验码"),
    "digest": tr("结果校验码"), "outcome": tr("结论"), "params": tr("参数"), "details": tr("详情"),
    # 践诺跟踪
    "ledger_no": tr("台账编号"), "commitment_id": tr("践诺事项"), "assessed_role_id": tr("考核岗位"),
    "metric_baseline": tr("基数"), "metric_target": tr("目标值"), "metric_current": tr("当前值"), "unit": tr("单位"),
    "deadline_current": tr("时限（延期后）"), "registered_on": tr("挂号日期"), "reported_done_on": tr("报结日期"),
    "reported_done_by": tr("报结录入人"), "closed_on": tr("销号日期"), "closed_by": tr("验收人"),
    "acceptance_opinion": tr("验收意见"), "reopen_count": tr("反弹次数"), "verdict": tr("兑现结论"),
    "verdict_on": tr("结论日期"), "verdict_evidence": tr("结论依据"), "period": tr("周次"), "reported_on": tr("报告日期"),
    "percent": tr("进度%"), "confidence": tr("信心指数"), "narrative": tr("本周进展"), "problems": tr("问题"),
    "next_plan": tr("下周计划"), "no_progress_reason": tr("无进展原因"), "reported_by": tr("报告人"),
    "confirmed_by": tr("确认人（联村干部）"), "on_time": tr("按时"), "owner_type": tr("所属记录类型"),
    "owner_id": tr("所属记录"), "file_name": tr("文件名"), "stored_path": tr("存放位置"), "size": tr("大小"),
    "taken_on": tr("拍摄日期"), "caption": tr("说明"), "added_by": tr("添加人"), "level": tr("督办级别"),
    "notice_no": tr("督办编号"), "issued_on": tr("签发日期"), "issued_by": tr("签发人"), "limit_date": tr("限期"),
    "receipt_on": tr("回执日期"), "receipt_text": tr("办理情况"), "lifted_on": tr("解除日期"),
    "lifted_note": tr("解除说明"), "urged_on": tr("催办日期"), "urged_by": tr("催办人"), "method": tr("方式"),
    "requested_on": tr("申请日期"), "requested_by": tr("申请人"), "old_date": tr("原时限"), "new_date": tr("新时限"),
    "state": tr("状态"), "decided_by": tr("决定人"), "decision_note": tr("审批意见"), "decision_no": tr("决定文号"),
    "revoked_on": tr("撤销日期"), "ends_on": tr("离任日期"), "end_reason": tr("离任原因"),
    "appointing_unit": tr("派出（任命）单位"), "patrol_min": tr("最少巡查次数"), "patrol_period": tr("巡查周期"),
    # 双述双评
    "scale": tr("评议档次"), "due": tr("应到人数"), "first_ballot_no": tr("评议票起始编号"), "scrutineers": tr("监票人"),
    "counters": tr("计票人"), "thresholds": tr("阈值设置"), "confirmed_at": tr("确认时间"), "counts": tr("各档票数"),
    "blank": tr("空白票"), "invalid": tr("无效票"), "with_reason": tr("有正当理由"), "from_on": tr("离村日期"),
    "to_on": tr("返村日期"), "why": tr("理由"), "source_type": tr("来源类型"), "source_id": tr("来源记录"),
    "raised_on": tr("提出日期"), "proposed_by": tr("提出人"), "executed_on": tr("执行日期"),
    "outcome_on": tr("辞职/拒辞日期"), "resolved_on": tr("办结日期"), "meeting_id": tr("会议"), "flag_id": tr("处理"),
}


def action_label(code: str) -> str:
    return ACTIONS.get(code, code)


def entity_label(code: str) -> str:
    return ENTITIES.get(code, code)


def field_label(name: str) -> str:
    return FIELDS.get(name, name)


def action_choices() -> list[tuple[str, str]]:
    """(label, code) for a filter list, in label order of the table above."""
    return [(label, code) for code, label in ACTIONS.items()]


def _field_enums() -> dict[str, tuple]:
    return {
        "role": (e.Role,), "gender": (e.Gender,), "education": (e.Education,),
        "political_status": (e.PoliticalStatus,), "relation": (e.RelationKind,), "source": (e.NominationSource,),
        "result": (e.FindingResult,), "stage": (e.ReviewStage,), "decision": (e.ReviewDecision,),
        "category": (e.VoterCategory,), "round": (e.ContestRound,), "mode": (e.ContestMode,),
        "outcome": (e.ObjectionOutcome,), "grade": (e.RuleGrade, e.EvaluationGrade),
    }


_STATUS_BY_ENTITY = {"candidacy": "CandidacyStatus", "voter": "VoterStatus", "pledge": "PledgeStatus",
                     "commitment": "CommitmentStatus"}


def value_label(entity: str, field: str, value: object) -> object:
    """A stored enum code shown with its Chinese label (``qualified`` → 资格审查通过); anything else unchanged."""
    if not isinstance(value, str):
        return value
    if field == "status":
        name = _STATUS_BY_ENTITY.get(entity)
        candidates: tuple = (getattr(e, name),) if name else ()
    elif field == "kind":
        candidates = (e.PledgeKind,) if entity.startswith("pledge") else (e.OrgKind,)
    else:
        candidates = _field_enums().get(field, ())
    for enum_cls in candidates:
        try:
            return enum_cls(value).label
        except ValueError:
            continue
    return value
