from yingshang.core.navigation import NavItem

NAV_ITEMS = (
    NavItem("任务台账", "plans:list", "plan.view", order=30),
    NavItem(
        "我的任务", "plans:my_tasks", "plan.report_progress", roles=("dept_staff", "dept_leader"), order=31
    ),
    NavItem("督查督办", "plans:notices", "plan.view", order=32),
)
