// Coverage dashboard charts (oversight/charts.py): progress against target per personnel class, regions ranked by
// coverage, pass rate by provider. Data from the page's json_script; Apache ECharts from the project's own copy.
(function () {
  var source = document.getElementById("coverage-charts");
  if (!source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var names = data.names;
  var charts = [];
  var narrow = window.matchMedia("(max-width: 600px)").matches;

  function init(el, option) {
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option);
    charts.push(chart);
    el.dataset.drawn = "1";
    return chart;
  }

  function progressCharts() {
    var box = document.getElementById("chart-progress");
    if (!box) return;
    var p = data.progress;
    p.classes.forEach(function (c, i) {
      var el = document.createElement("div");
      el.className = "chart chart-progress";
      el.id = "chart-progress-" + (i + 1);
      box.appendChild(el);
      init(el, {
        title: { text: c.name, left: 0, top: 0, textStyle: { fontSize: 13 } },
        tooltip: { trigger: "axis" },
        legend: { bottom: 0, left: 0, itemWidth: 14, itemGap: 8, textStyle: { fontSize: 11 } },
        grid: { left: 44, right: 14, top: 30, bottom: narrow ? 76 : 58 },
        xAxis: { type: "category", data: p.months, axisLabel: { fontSize: 10 } },
        yAxis: { type: "value", minInterval: 1, axisLabel: { fontSize: 10 } },
        series: [
          { name: names.enrolled, type: "line", data: c.enrolled, showSymbol: false, itemStyle: { color: "#95a5a6" } },
          { name: names.trained, type: "line", data: c.trained, showSymbol: false, itemStyle: { color: "#2e86c1" }, areaStyle: { opacity: 0.15 } },
          { name: names.passed, type: "line", data: c.passed, showSymbol: false, itemStyle: { color: "#27ae60" } },
          { name: names.target, type: "line", data: c.target, connectNulls: true, symbol: "diamond", symbolSize: 8,
            lineStyle: { type: "dashed" }, itemStyle: { color: "#c0392b" } }
        ]
      });
    });
  }

  function bars(el, rows, value, label, color, suffix, onClick) {
    if (!el) return;
    if (!rows.length) { el.classList.add("empty"); el.textContent = el.dataset.empty || "—"; return; }
    el.style.height = Math.max(160, 48 + rows.length * 30) + "px";
    var ordered = rows.slice().reverse(); // ECharts draws the first category at the bottom
    var chart = init(el, {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" },
        formatter: function (items) { var r = ordered[items[0].dataIndex]; return label(r); } },
      grid: { left: 8, right: 48, top: 8, bottom: 24, containLabel: true },
      xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%", fontSize: 10 } },
      yAxis: { type: "category", data: ordered.map(function (r) { return r.label || r.name; }),
        axisLabel: { fontSize: 11, width: narrow ? 96 : 180, overflow: "truncate" } },
      series: [{ type: "bar", data: ordered.map(value), itemStyle: { color: color }, barMaxWidth: 22,
        label: { show: true, position: "right", formatter: "{c}" + suffix, fontSize: 10 } }]
    });
    if (onClick) chart.on("click", function (e) { onClick(ordered[e.dataIndex]); });
  }

  progressCharts();
  bars(document.getElementById("chart-ranking"), data.ranking, function (r) { return r.percent; },
    function (r) { return r.label + "：" + r.trained + "/" + r.of + "（" + (r.baseline ? names.of_baseline : names.of_registered) + "）"; },
    "#2e86c1", "%", function (r) { if (r.query) window.location.search = "?" + r.query; });
  bars(document.getElementById("chart-providers"), data.providers, function (r) { return r.percent; },
    function (r) { return r.name + "：" + r.passed + "/" + r.trained; }, "#27ae60", "%");

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
