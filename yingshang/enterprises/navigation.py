from yingshang.core.navigation import NavItem

NAV_ITEMS = (
    NavItem("经营主体库", "enterprises:list", "enterprise.view", roles=(
        "dept_staff", "dept_leader", "county_admin", "city_admin", "operator", "inspector", "leader"), order=10),
    NavItem("主体导入", "enterprises:import", "enterprise.import", order=11),
    NavItem("账号核验", "enterprises:memberships", "enterprise.verify_member", order=12),
)
