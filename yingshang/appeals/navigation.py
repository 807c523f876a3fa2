from yingshang.core.navigation import NavItem

NAV_ITEMS = (
    NavItem("我的诉求", "appeals:mine", "appeal.file", order=20),
    NavItem("提交诉求", "appeals:new", "appeal.file", roles=("enterprise",), order=21),
    NavItem("来电登记", "appeals:intake", "appeal.intake", order=22),
    NavItem("待派单", "appeals:dispatch_queue", "appeal.dispatch", order=23),
    NavItem(
        "部门待办",
        "appeals:inbox",
        "appeal.handle",
        roles=("dept_staff", "dept_leader", "county_admin"),
        order=24,
    ),
    NavItem("延期审批", "appeals:extensions", "appeal.approve_extension", order=25),
    NavItem("待回访", "appeals:revisits", "appeal.revisit", order=26),
    NavItem("诉求台账", "appeals:ledger", "appeal.view", order=27),
    NavItem("诉求指标", "appeals:metrics", "appeal.metrics", order=28),
    NavItem("热点诉求", "appeals:hot", "appeal.metrics", order=29),
    NavItem("综合考评", "appeals:assessment", "appeal.metrics", order=29),
    NavItem("走访登记", "appeals:visits", "appeal.record_visit", order=30),
    NavItem("工单导入", "appeals:import", "appeal.import", order=31),
    NavItem("类别与时限", "appeals:configuration", "appeal.configure", order=32),
    NavItem("派单目录", "appeals:catalogue", "appeal.configure", order=33),
)
