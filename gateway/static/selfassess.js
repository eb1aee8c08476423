/* OCOP self-assessment page: pick a product set, answer its whole scoring sheet, see the live total, stars, caps and
   improvement plan from /api/score, print the result. Answers are kept in localStorage per product set.
   Every text from the server goes into the page through textContent only. */
(function () {
  "use strict";

  const STORAGE_KEY = "ocop-tu-danh-gia-v1";

  const state = {
    sheet: null,       // the sheet JSON from /api/sheets/{id}
    answers: {},       // criterion id -> option id
    conditions: [],    // ticked condition ids
    result: null,      // last /api/score response for the current answers
    seq: 0,            // id of the latest score request; older responses are ignored
    loadSeq: 0,        // id of the latest sheet request; a slower earlier one is ignored
  };

  const $ = (id) => document.getElementById(id);

  /* Build an element: el("p", {className: "x"}, "text", child, ...). Strings become text nodes. */
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (key === "dataset") Object.assign(node.dataset, value);
      else if (key in node) node[key] = value;
      else node.setAttribute(key, value);
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
    }
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function stars(n) {
    return "★".repeat(n) + "☆".repeat(5 - n);
  }

  function today() {
    const d = new Date();
    const pad = (x) => String(x).padStart(2, "0");
    return `${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()}`;
  }

  /* ------------------------------------------------------------ storage */

  function loadStore() {
    try {
      const data = JSON.parse(localStorage.getItem(STORAGE_KEY) || "{}");
      return data && typeof data === "object" && !Array.isArray(data) ? data : {};
    } catch (e) {
      return {};
    }
  }

  function saveStore() {
    if (!state.sheet) return;
    const store = loadStore();
    store.current = state.sheet.id;
    store.sheets = store.sheets && typeof store.sheets === "object" ? store.sheets : {};
    store.sheets[state.sheet.id] = {answers: state.answers, conditions: state.conditions};
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(store));
    } catch (e) {
      /* private mode or full storage: the page still works, answers just are not kept */
    }
  }

  /* Saved answers of a sheet, keeping only ids the sheet still has. */
  function savedAnswers(sheet) {
    const store = loadStore();
    const saved = (store.sheets && store.sheets[sheet.id]) || {};
    const answers = {};
    const options = new Map(criteriaOf(sheet).map((c) => [c.id, new Set(c.options.map((o) => o.id))]));
    for (const [cid, oid] of Object.entries(saved.answers || {})) {
      if (options.has(cid) && options.get(cid).has(oid)) answers[cid] = oid;
    }
    const known = new Set(sheet.conditions.map((c) => c.id));
    const conditions = Array.isArray(saved.conditions) ? saved.conditions.filter((id) => known.has(id)) : [];
    return {answers, conditions};
  }

  /* ------------------------------------------------------------ server */

  async function getJSON(url, options) {
    const response = await fetch(url, options);
    let data = null;
    try {
      data = await response.json();
    } catch (e) {
      data = null;
    }
    if (!response.ok) {
      const message = (data && data.error) || `Máy chủ trả lỗi ${response.status}.`;
      throw new Error(message);
    }
    return data;
  }

  /* ------------------------------------------------------------ sheet structure helpers */

  function groupCriteria(group) {
    return group.criteria.concat(...group.groups.map(groupCriteria));
  }

  function criteriaOf(sheet) {
    return sheet.parts.flatMap((p) => p.groups.flatMap(groupCriteria));
  }

  function criterionById(id) {
    return criteriaOf(state.sheet).find((c) => c.id === id);
  }

  /* ------------------------------------------------------------ picking a product set */

  async function loadSheetList() {
    const data = await getJSON("/api/sheets");
    /* the decision in force and the council note come from the server (knowledge_base.legal) */
    $("subtitle").textContent = `Theo phiếu đánh giá, phân hạng — ${data.source}`;
    $("council-note").textContent = data.note;
    const select = $("sheet-select");
    const groups = new Map();
    for (const s of data.sheets) {
      if (!groups.has(s.group_name)) {
        const og = el("optgroup", {label: s.group_name});
        groups.set(s.group_name, og);
        select.append(og);
      }
      groups.get(s.group_name).append(el("option", {value: s.id}, `${s.number}. ${s.name}`));
    }
  }

  let searchTimer = null;
  let searchSeq = 0;

  function onSearch() {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(runSearch, 200);
  }

  async function runSearch() {
    const q = $("search").value.trim();
    const box = $("matches");
    const seq = ++searchSeq;
    if (!q) {
      clear(box);
      return;
    }
    let data;
    try {
      data = await getJSON("/api/match?" + new URLSearchParams({q}));
    } catch (e) {
      if (seq !== searchSeq) return;
      clear(box);
      box.append(el("p", {className: "error"}, e.message));
      return;
    }
    if (seq !== searchSeq) return;
    clear(box);
    if (!data.candidates.length) {
      box.append(el("p", {className: "muted"}, "Chưa tìm thấy bộ sản phẩm phù hợp — hãy chọn trong danh sách bên dưới."));
      return;
    }
    box.append(el("p", {className: "muted"}, data.ambiguous
      ? "Có nhiều bộ có thể phù hợp, hãy chọn đúng bộ của sản phẩm:"
      : "Bộ sản phẩm phù hợp:"));
    for (const c of data.candidates) {
      box.append(el("button", {type: "button", className: "match", dataset: {sheet: c.id},
        onclick: () => openSheet(c.id)}, `Bộ ${c.number}: ${c.name}`, el("small", {}, ` (${c.group_name})`)));
    }
  }

  async function openSheet(key) {
    const error = $("load-error");
    error.hidden = true;
    const seq = ++state.loadSeq;
    let sheet;
    try {
      sheet = await getJSON("/api/sheets/" + encodeURIComponent(key));
    } catch (e) {
      if (seq !== state.loadSeq) return;
      error.textContent = e.message;
      error.hidden = false;
      return;
    }
    if (seq !== state.loadSeq) return;
    state.sheet = sheet;
    state.result = null;
    const saved = savedAnswers(sheet);
    state.answers = saved.answers;
    state.conditions = saved.conditions;
    $("sheet-select").value = sheet.id;
    const url = new URL(window.location.href);
    url.searchParams.set("bo", String(sheet.number));
    history.replaceState(null, "", url);
    renderSheet();
    saveStore();
    rescore();
  }

  /* ------------------------------------------------------------ drawing the sheet */

  function renderSheet() {
    const sheet = state.sheet;
    $("sheet-title").textContent = `Bộ ${sheet.number}: ${sheet.name}`;
    $("sheet-meta").textContent = `Nhóm ${sheet.group_name} · ${sheet.subgroup} · ${sheet.criteria_count} tiêu chí · ` +
      `tối đa ${sheet.max_total} điểm`;
    document.title = `Tự đánh giá OCOP — Bộ ${sheet.number}: ${sheet.name}`;

    const list = $("condition-list");
    clear(list);
    if (!sheet.conditions.length) {
      list.append(el("p", {className: "muted"}, "Phiếu này không ghi điều kiện loại hồ sơ."));
    }
    for (const note of sheet.notes) list.append(el("p", {className: "crit-note"}, "Ghi chú: " + note));
    for (const c of sheet.conditions) {
      const box = el("input", {type: "checkbox", name: "condition", value: c.id,
        checked: state.conditions.includes(c.id)});
      box.addEventListener("change", onConditionChange);
      const where = c.criterion_number ? ` (ghi chú tiêu chí ${c.criterion_number})` : "";
      list.append(el("label", {className: "condition"}, box, el("span", {}, c.text + where)));
    }

    const parts = $("parts");
    clear(parts);
    for (const part of sheet.parts) {
      const section = el("section", {className: "card part", dataset: {part: part.id}},
        el("h2", {}, `Phần ${part.id}. ${part.label}`),
        el("p", {className: "part-score"}, "Đạt ", el("span", {className: "part-points", dataset: {part: part.id}}, "0"),
          `/${part.max} điểm`));
      for (const group of part.groups) section.append(renderGroup(group, 3));
      parts.append(section);
    }
    $("council-note").textContent = sheet.note;
    $("result-note").textContent = sheet.note;
    $("result-citation").textContent = `Nguồn: ${sheet.citation}; thang điểm hạng sao: ${sheet.band_citation}.`;
    $("sheet").hidden = false;
    $("scorebar").hidden = false;
  }

  function renderGroup(group, level) {
    const box = el("div", {className: "group"},
      el(`h${Math.min(level, 4)}`, {className: "group-title"}, `${group.number}. ${group.label}`,
        el("span", {className: "group-max"}, ` (tối đa ${group.max} điểm)`)));
    for (const c of group.criteria) box.append(renderCriterion(c));
    for (const sub of group.groups) box.append(renderGroup(sub, level + 1));
    return box;
  }

  function renderCriterion(c) {
    const fs = el("fieldset", {className: "criterion", id: `crit-${c.id}`, dataset: {criterion: c.id}},
      el("legend", {}, `${c.number}. ${c.label}`),
      el("p", {className: "crit-score"}, "Điểm: ",
        el("span", {className: "crit-points", dataset: {criterion: c.id}}, "–"), `/${c.max}`));
    for (const note of c.notes) fs.append(el("p", {className: "crit-note"}, note));
    if (c.applies_if) {
      fs.append(el("p", {className: "crit-note"},
        `Chỉ tính điểm khi tiêu chí ${c.applies_if.number} đạt từ ${c.applies_if.min_points} điểm trở lên.`));
    }
    for (const r of c.rules) {
      fs.append(el("p", {className: "crit-warn"}, (r.kind === "halt" ? "Lưu ý: " : "Bị loại: ") + r.text));
    }
    const byCase = new Map([[null, []]]);
    for (const k of c.cases) byCase.set(k.id, []);
    for (const o of c.options) byCase.get(byCase.has(o.case) ? o.case : null).push(o);
    for (const o of byCase.get(null)) fs.append(renderOption(c, o));
    for (const k of c.cases) {
      fs.append(el("p", {className: "case-label"}, k.label));
      for (const o of byCase.get(k.id)) fs.append(renderOption(c, o));
    }
    return fs;
  }

  function renderOption(c, o) {
    const input = el("input", {type: "radio", name: `c-${c.id}`, value: o.id, checked: state.answers[c.id] === o.id,
      dataset: {criterion: c.id}});
    input.addEventListener("change", onAnswerChange);
    const meta = el("span", {className: "opt-meta"}, el("span", {className: "pts"}, `${o.points} điểm`));
    if (o.star_mark) meta.append(el("span", {className: "star-mark"}, o.star_mark));
    if (o.triggers) meta.append(el("span", {className: "danger"}, "Hồ sơ bị loại"));
    const text = el("span", {className: "opt-text"}, el("span", {className: "opt-label"}, o.label), meta);
    if (o.note) text.append(el("small", {className: "opt-note"}, o.note));
    return el("label", {className: "option"}, input, text);
  }

  /* ------------------------------------------------------------ answering */

  function onAnswerChange(event) {
    const input = event.target;
    state.answers[input.dataset.criterion] = input.value;
    saveStore();
    rescore();
  }

  function onConditionChange() {
    state.conditions = Array.from(document.querySelectorAll("input[name=condition]:checked"), (b) => b.value);
    saveStore();
    rescore();
  }

  function onClear() {
    if (!state.sheet) return;
    if (!window.confirm("Xoá mọi câu trả lời của bộ sản phẩm này?")) return;
    state.answers = {};
    state.conditions = [];
    document.querySelectorAll("#sheet input").forEach((i) => { i.checked = false; });
    saveStore();
    rescore();
  }

  async function rescore() {
    const seq = ++state.seq;
    const body = JSON.stringify({sheet: state.sheet.id, answers: state.answers, conditions: state.conditions});
    let result;
    try {
      result = await getJSON("/api/score", {method: "POST", headers: {"Content-Type": "application/json"}, body});
    } catch (e) {
      if (seq !== state.seq) return;
      const box = $("result-body");
      clear(box);
      box.append(el("p", {className: "error"}, "Chưa tính được điểm: " + e.message));
      return;
    }
    if (seq !== state.seq) return;
    state.result = result;
    renderResult(result);
    renderPrint(result);
  }

  /* ------------------------------------------------------------ result */

  function starText(r) {
    if (r.complete) {
      return r.disqualified ? "Bị loại (không xếp hạng)" : `${stars(r.star)} ${r.star_label}`;
    }
    const g = r.range;
    return g.star_min_label === g.star_max_label ? g.star_min_label : `${g.star_min_label} – ${g.star_max_label}`;
  }

  function partsText(r) {
    return r.parts.map((p) => `${p.id} ${p.points}/${p.max}`).join(" · ");
  }

  function renderResult(r) {
    $("bar-total").textContent = `Tổng: ${r.total}/${r.max_total}`;
    $("bar-star").textContent = r.complete ? starText(r) : `Đã trả lời ${r.answered}/${r.criteria_count}`;
    $("bar-parts").textContent = partsText(r);

    for (const span of document.querySelectorAll(".crit-points")) {
      const cid = span.dataset.criterion;
      const answered = cid in r.points;
      span.textContent = answered ? String(r.points[cid]) : "–";
      span.closest("fieldset").classList.toggle("answered", answered);
    }
    for (const p of r.parts) {
      const span = document.querySelector(`.part-points[data-part="${p.id}"]`);
      if (span) span.textContent = String(p.points);
    }

    const box = $("result-body");
    clear(box);
    if (r.complete) {
      box.append(el("p", {className: "star-result" + (r.disqualified ? " bad" : ""), id: "star-result"},
        r.disqualified ? "Kết quả: hồ sơ bị loại (không xếp hạng)" : `Kết quả dự kiến: ${r.star_label}`,
        r.disqualified ? null : el("span", {className: "stars", "aria-hidden": "true"}, " " + stars(r.star))));
    } else {
      box.append(el("p", {className: "star-result", id: "star-result"},
        `Dự kiến: ${starText(r)} (khi trả lời hết các tiêu chí còn lại)`));
      box.append(el("p", {}, `Đã trả lời ${r.answered}/${r.criteria_count} tiêu chí. Với các tiêu chí còn lại, tổng ` +
        `điểm có thể từ ${r.range.total_min} đến ${r.range.total_max}.`));
      box.append(el("p", {id: "likely-line"}, r.range.likely_text));
      box.append(el("button", {type: "button", className: "secondary", onclick: goToUnanswered},
        "Đến tiêu chí chưa trả lời"));
    }
    if (r.recognition_note) box.append(el("p", {className: "recognition-note", id: "recognition-note"}, r.recognition_note));
    box.append(el("p", {className: "total-line", id: "total-line"},
      `Tổng điểm${r.complete ? "" : " hiện có"}: ${r.total}/${r.max_total} (${partsText(r)})`));
    if (r.complete) {
      box.append(el("p", {className: "muted"},
        `Theo tổng điểm: ${r.band_star} sao (${r.band_text} — ${r.band_citation}).`));
    }
    if (r.caps.length) {
      box.append(el("h3", {}, r.disqualified ? "Vì sao hồ sơ bị loại" : "Vì sao hạng sao bị giới hạn"));
      const list = el("ul", {className: "caps", id: "caps"});
      for (const cap of r.caps) {
        const item = el("li", {}, cap.reason);
        if (cap.criterion_id) {
          item.append(" ", el("button", {type: "button", className: "link",
            onclick: () => goTo(cap.criterion_id)}, `Xem tiêu chí ${cap.criterion_number}`));
        }
        list.append(item);
      }
      box.append(list);
    }
    if (!r.complete && r.range.possible_disqualifiers.length) {
      box.append(el("p", {className: "crit-warn"}, "Một số tiêu chí chưa trả lời có phương án làm hồ sơ bị loại: " +
        r.range.possible_disqualifiers.map((d) => d.text).join("; ") + "."));
    }

    const plan = $("plan");
    clear(plan);
    if (r.plan.length) {
      const list = el("ol", {className: "plan", id: "plan-list"});
      for (const step of r.plan) {
        list.append(el("li", {}, step.text, " ",
          el("button", {type: "button", className: "link", onclick: () => goTo(step.criterion_id)},
            `Xem tiêu chí ${step.criterion_number}`)));
      }
      plan.append(list);
      if (!r.complete) {
        plan.append(el("p", {className: "muted"}, "Gợi ý chỉ xét các tiêu chí đã trả lời."));
      }
    } else {
      plan.append(el("p", {className: "muted"}, planEmptyText(r)));
    }
  }

  function planEmptyText(r) {
    if (!r.answered) return "Trả lời các tiêu chí để xem gợi ý cải thiện.";
    if (state.conditions.length) return "Hồ sơ đang có điều kiện bị loại đã đánh dấu — cần khắc phục điều kiện đó trước.";
    return "Không còn thay đổi nào trong các câu đã trả lời giúp nâng kết quả.";
  }

  function goTo(criterionId) {
    const node = $(`crit-${criterionId}`);
    if (!node) return;
    node.scrollIntoView({behavior: "smooth", block: "start"});
    const first = node.querySelector("input:checked") || node.querySelector("input");
    if (first) first.focus({preventScroll: true});
  }

  function goToUnanswered() {
    const r = state.result;
    if (r && r.unanswered.length) goTo(r.unanswered[0]);
  }

  /* ------------------------------------------------------------ print view */

  function renderPrint(r) {
    const sheet = state.sheet;
    const box = $("print-result");
    clear(box);
    box.append(
      el("h1", {}, "KẾT QUẢ TỰ ĐÁNH GIÁ SẢN PHẨM OCOP"),
      el("p", {}, `Bộ sản phẩm số ${sheet.number}: ${sheet.name} (nhóm ${sheet.group_name}, ${sheet.subgroup})`),
      el("p", {}, `Ngày tự đánh giá: ${today()}`),
      el("p", {className: "fill"}, "Tên sản phẩm: ........................................................."),
      el("p", {className: "fill"}, "Chủ thể sản xuất: ...................................................."),
      el("p", {className: "fill"}, "Xã/phường: ..........................................................."),
    );

    const summary = el("div", {className: "print-summary"},
      el("p", {className: "print-star"}, r.complete
        ? (r.disqualified ? "Hồ sơ bị loại (không xếp hạng)" : `Hạng sao dự kiến: ${r.star_label} ${stars(r.star)}`)
        : `Chưa trả lời đủ (${r.answered}/${r.criteria_count} tiêu chí); hạng dự kiến: ${starText(r)}; ` +
          `tổng điểm có thể từ ${r.range.total_min} đến ${r.range.total_max}`),
      el("p", {}, `Tổng điểm: ${r.total}/${r.max_total} — ${r.parts.map((p) => `Phần ${p.id}: ${p.points}/${p.max}`).join("; ")}`));
    if (r.complete) summary.append(el("p", {}, `Theo tổng điểm: ${r.band_star} sao (${r.band_text}).`));
    box.append(summary);

    const table = el("table", {className: "print-table"},
      el("thead", {}, el("tr", {}, el("th", {}, "Tiêu chí"), el("th", {}, "Phương án đã chọn"), el("th", {}, "Điểm"))));
    const tbody = el("tbody");
    for (const part of sheet.parts) {
      const p = r.parts.find((x) => x.id === part.id);
      tbody.append(el("tr", {className: "part-row"},
        el("td", {colSpan: 2}, `Phần ${part.id}. ${part.label}`), el("td", {}, `${p.points}/${part.max}`)));
      for (const c of part.groups.flatMap(groupCriteria)) {
        const oid = state.answers[c.id];
        const option = c.options.find((o) => o.id === oid);
        const points = c.id in r.points ? String(r.points[c.id]) : "–";
        tbody.append(el("tr", {},
          el("td", {}, `${c.number}. ${c.label}`),
          el("td", {}, option ? option.label : "(chưa trả lời)"),
          el("td", {}, `${points}/${c.max}`)));
      }
    }
    table.append(tbody);
    box.append(table);

    const ticked = sheet.conditions.filter((c) => state.conditions.includes(c.id));
    box.append(el("h2", {}, "Điều kiện loại hồ sơ"));
    if (ticked.length) {
      box.append(el("ul", {}, ...ticked.map((c) => el("li", {}, c.text))));
    } else {
      box.append(el("p", {}, "Không đánh dấu điều kiện nào."));
    }
    if (r.caps.length) {
      box.append(el("h2", {}, r.disqualified ? "Lý do hồ sơ bị loại" : "Lý do hạng sao bị giới hạn"),
        el("ul", {}, ...r.caps.map((cap) => el("li", {}, cap.reason))));
    }
    box.append(el("h2", {}, "Nên cải thiện trước"));
    if (r.plan.length) {
      box.append(el("ol", {}, ...r.plan.map((s) => el("li", {}, s.text))));
    } else {
      box.append(el("p", {}, planEmptyText(r)));
    }
    box.append(
      el("p", {className: "print-note"}, r.note),
      el("p", {}, `Căn cứ: ${r.source} (phiếu ${sheet.number}); thang điểm hạng sao: ${r.band_citation}.`),
      el("p", {className: "muted"}, `In từ trang tự đánh giá: ${window.location.origin}/tu-danh-gia?bo=${sheet.number}`),
    );
  }

  /* ------------------------------------------------------------ start */

  async function start() {
    $("search").addEventListener("input", onSearch);
    $("sheet-select").addEventListener("change", (e) => { if (e.target.value) openSheet(e.target.value); });
    $("clear").addEventListener("click", onClear);
    $("print").addEventListener("click", () => {
      if (state.result) renderPrint(state.result);
      window.print();
    });
    try {
      await loadSheetList();
    } catch (e) {
      const error = $("load-error");
      error.textContent = "Không tải được danh sách bộ sản phẩm: " + e.message;
      error.hidden = false;
      return;
    }
    const wanted = new URLSearchParams(window.location.search).get("bo") || loadStore().current;
    if (wanted) await openSheet(wanted);
  }

  start();
})();
