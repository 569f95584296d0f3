// Face-check calibration page: distance histograms of reviewed mismatches (confirmed = two people, dismissed = same person).
(function () {
  var el = document.getElementById("calibration-chart");
  var source = document.getElementById("calibration-data");
  if (!el || !source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var chart = window.echarts.init(el);
  function line(value, name) {
    var i = data.labels.findIndex(function (l) { return parseFloat(l) > value; });
    return { xAxis: data.labels[Math.max(0, (i < 0 ? data.labels.length : i) - 1)], name: name + " " + value };
  }
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { data: [data.names.two_people, data.names.same_person] },
    grid: { left: 40, right: 16, bottom: 40 },
    xAxis: { type: "category", data: data.labels, name: data.names.distance },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: data.names.two_people, type: "bar", data: data.two_people, itemStyle: { color: "#c0392b" } },
      {
        name: data.names.same_person, type: "bar", data: data.same_person, itemStyle: { color: "#2e86c1" },
        markLine: { symbol: "none", label: { formatter: "{b}" },
          data: [line(data.tolerance, data.names.tolerance), line(data.proposed, data.names.proposed)] }
      }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
