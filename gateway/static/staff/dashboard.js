// Staff dashboard: fetch the figures of the chosen dates and draw them (uPlot for series per day).
(function () {
  "use strict";
  const form = document.getElementById("range");
  const status = document.getElementById("status");
  const charts = {};
  let data = null;
  const COUNT_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];

  const day = (iso) => Date.parse(iso + "T00:00:00+07:00") / 1000;
  const fmtShare = (share) => (share === null ? "–" : Math.round(share * 100) + "%");

  function text(id, value) { document.getElementById(id).textContent = value; }

  function bars(align) {
    return uPlot.paths.bars({ size: [0.42, 40], align: align });
  }

  function draw(id, series, values, extraScale) {
    const box = document.getElementById(id);
    if (charts[id]) { charts[id].destroy(); }
    const xs = data.days.map(day);
    const width = Math.max(260, box.clientWidth);
    const options = {
      width: width,
      height: Math.round(Math.min(260, Math.max(180, width * 0.55))),
      scales: { x: { time: true, range: [xs[0] - 43200, xs[xs.length - 1] + 43200] }, y: { range: (u, min, max) => [0, Math.max(1, max)] } },
      axes: [{}, { label: series[0].axis || "", incrs: COUNT_STEPS }],
      series: [{}].concat(series),
      legend: { live: false },
    };
    if (extraScale) {
      options.scales.minutes = { range: (u, min, max) => [0, Math.max(1, max || 1)] };
      options.axes.push({ scale: "minutes", side: 1, grid: { show: false }, label: "phút", incrs: COUNT_STEPS });
    }
    charts[id] = new uPlot(options, [xs].concat(values), box);
    box.dataset.drawn = String(xs.length);
  }

  function hbars(id, rows) {
    const list = document.getElementById(id);
    list.replaceChildren();
    const top = Math.max(1, ...rows.map((r) => r.count));
    if (!rows.length) {
      const empty = document.createElement("li");
      empty.className = "muted";
      empty.textContent = "Chưa có số liệu.";
      list.append(empty);
    }
    for (const row of rows) {
      const item = document.createElement("li");
      const label = document.createElement("span");
      label.className = "name";
      label.textContent = row.name;
      const bar = document.createElement("span");
      bar.className = "bar";
      bar.style.width = Math.max(2, (100 * row.count) / top) + "%";
      const count = document.createElement("span");
      count.className = "value";
      count.textContent = row.count;
      item.append(label, bar, count);
      list.append(item);
    }
  }

  function selfassessment(rows) {
    const body = document.querySelector("#selfassessment tbody");
    body.replaceChildren();
    for (const row of rows) {
      const tr = document.createElement("tr");
      const cells = [row.product_set, row.count].concat(["0", "1", "2", "3", "4", "5"].map((s) => row.stars[s]));
      for (const value of cells) {
        const td = document.createElement("td");
        td.textContent = value;
        tr.append(td);
      }
      body.append(tr);
    }
    if (!rows.length) {
      const tr = document.createElement("tr");
      tr.innerHTML = '<td colspan="8" class="muted">Chưa có lượt tự đánh giá nào.</td>';
      body.append(tr);
    }
  }

  function render() {
    const q = data.questions, h = data.handovers, f = data.feedback;
    text("kpi-questions", q.total);
    text("kpi-answered", fmtShare(q.answered_share));
    text("kpi-refused", fmtShare(q.refused_share));
    text("kpi-handovers", h.total);
    text("kpi-wait", h.median_wait_minutes === null ? "–" : h.median_wait_minutes + " phút");
    text("kpi-feedback", f.total_helpful + " / " + f.total_unhelpful);
    draw("chart-questions", [
      { label: "Đã trả lời", stroke: "#1f6f43", fill: "rgba(31,111,67,.65)", paths: bars(-1), points: { show: false }, axis: "câu hỏi" },
      { label: "Từ chối", stroke: "#a1261b", fill: "rgba(161,38,27,.6)", paths: bars(1), points: { show: false } },
    ], [q.answered, q.refused]);
    draw("chart-handovers", [
      { label: "Lượt chuyển", stroke: "#2b5c8a", fill: "rgba(43,92,138,.55)", paths: bars(0), points: { show: false }, axis: "lượt" },
      { label: "Chờ trung bình (phút)", stroke: "#c07a12", width: 2, scale: "minutes", spanGaps: true },
    ], [h.per_day, h.wait_minutes], true);
    draw("chart-feedback", [
      { label: "Hữu ích", stroke: "#1f6f43", fill: "rgba(31,111,67,.65)", paths: bars(-1), points: { show: false }, axis: "lượt" },
      { label: "Chưa đúng", stroke: "#a1261b", fill: "rgba(161,38,27,.6)", paths: bars(1), points: { show: false } },
    ], [f.helpful, f.unhelpful]);
    hbars("topics", data.topics);
    hbars("channels", data.channels);
    selfassessment(data.selfassessment);
    document.body.dataset.range = data.from + ".." + data.to;
  }

  async function load() {
    const params = new URLSearchParams(new FormData(form));
    status.textContent = "Đang tải số liệu…";
    try {
      const response = await fetch("/staff/api/dashboard?" + params, { headers: { accept: "application/json" } });
      if (response.status === 401) { window.location = "/staff/login?next=" + encodeURIComponent(location.pathname); return; }
      if (!response.ok) { throw new Error(String(response.status)); }
      data = await response.json();
    } catch (error) {
      status.textContent = "Không tải được số liệu, hãy thử lại.";
      return;
    }
    if (typeof uPlot === "undefined") {
      status.textContent = "Thiếu thư viện biểu đồ (chạy make install để cài uPlot).";
      return;
    }
    render();
    status.textContent = "Số liệu từ " + data.from.split("-").reverse().join("/") + " đến " + data.to.split("-").reverse().join("/") + ".";
    history.replaceState(null, "", "/staff/dashboard?" + params);
  }

  form.addEventListener("submit", (event) => { event.preventDefault(); load(); });
  let resizeTimer = null;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => { if (data && typeof uPlot !== "undefined") { render(); } }, 200);
  });
  load();
})();
