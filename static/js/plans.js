// Task timeline (任务甘特图): bars from start to deadline, progress overlay, milestones, today's line.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-gantt]").forEach(function (el) {
    if (!window.echarts) { return; }
    const data = JSON.parse(document.getElementById(el.dataset.gantt).textContent);
    const day = function (iso) { return new Date(iso + "T00:00:00").getTime(); };
    const bars = data.bars.map(function (bar, index) {
      return { value: [index, day(bar.start), day(bar.end), bar.progress], itemStyle: { color: bar.colour },
        name: data.categories[index] + "（" + bar.status + "，" + bar.progress + "%）" };
    });
    const chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      tooltip: { formatter: function (p) { return p.name || p.data.name; } },
      grid: { left: 220, right: 24, top: 24, bottom: 32 },
      xAxis: { type: "time", position: "top" },
      yAxis: { type: "category", inverse: true, data: data.categories,
        axisLabel: { width: 200, overflow: "truncate" } },
      series: [{
        type: "custom", data: bars, encode: { x: [1, 2], y: 0 },
        renderItem: function (params, api) {
          const start = api.coord([api.value(1), api.value(0)]);
          const end = api.coord([api.value(2), api.value(0)]);
          const height = api.size([0, 1])[1] * 0.5;
          const width = Math.max(end[0] - start[0], 2);
          const done = width * api.value(3) / 100;
          const colour = api.visual("color");
          return { type: "group", children: [
            { type: "rect", shape: { x: start[0], y: start[1] - height / 2, width: width, height: height },
              style: { fill: colour, opacity: 0.25 } },
            { type: "rect", shape: { x: start[0], y: start[1] - height / 2, width: done, height: height },
              style: { fill: colour } },
          ] };
        },
        markLine: { symbol: "none", label: { formatter: "今天" }, lineStyle: { color: "#0550ae" },
          data: [{ xAxis: day(data.today) }] },
      }, {
        type: "scatter", symbol: "diamond", symbolSize: 10,
        data: data.milestones.map(function (m) {
          return { value: [day(m.date), m.row], name: m.title + (m.done ? "（已完成）" : ""),
            itemStyle: { color: m.done ? "#1a7f37" : "#57606a" } };
        }),
      }],
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
});
