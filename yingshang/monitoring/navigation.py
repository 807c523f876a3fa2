from yingshang.core.navigation import NavItem

NAV_ITEMS = (
    NavItem("营商监测", "monitoring:dashboard", "monitoring.view", order=40),
    NavItem("数据填报", "monitoring:rounds", "monitoring.submit", order=41),
    NavItem("满意度调查", "monitoring:surveys", "monitoring.configure", order=42),
)
