from yingshang.core.navigation import NavItem

NAV_ITEMS = (
    NavItem("政策超市", "policies:home", order=20),
    NavItem("我的政策", "policies:mine", "policy.apply", roles=("enterprise",), order=21),
    NavItem("我的申报", "policies:applications", "policy.apply", roles=("enterprise",), order=22),
    NavItem("推送设置", "policies:push_preferences", "policy.apply", roles=("enterprise",), order=22),
    NavItem("政策管理", "policies:manage", "policy.view_admin", order=23),
    NavItem("申报审核", "policies:review_queue", "policy.review_application", order=24),
    NavItem("兑现台账", "policies:ledger", "policy.view_admin", order=25),
    NavItem("政策评估", "policies:evaluation", "policy.evaluate", order=26),
    NavItem("金牌导办", "policies:guides", "policy.guide", order=27),
)
