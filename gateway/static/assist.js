// Hotline assistant page: posts the question to /api/assist and renders the result.
// All server text is inserted with textContent, never as HTML.
(function () {
  "use strict";
  const form = document.getElementById("ask");
  const question = document.getElementById("question");
  const apiKey = document.getElementById("apikey");
  const submit = document.getElementById("submit");
  const status = document.getElementById("status");
  const result = document.getElementById("result");
  const draft = document.getElementById("draft");
  const copy = document.getElementById("copy");

  apiKey.value = sessionStorage.getItem("ocopAssistKey") || "";

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function validityLabel(passage) {
    if (passage.validity === "superseded") {
      return "Văn bản đã hết hiệu lực" + (passage.superseded_by ? ", thay thế bởi " + passage.superseded_by : "");
    }
    if (passage.validity === "programme") return "Văn bản phê duyệt giai đoạn chương trình đã kết thúc";
    return "";
  }

  function render(data) {
    const intent = data.intent || {};
    document.getElementById("intent").textContent = intent.name
      ? intent.name + (typeof intent.confidence === "number" ? " (" + intent.confidence.toFixed(2) + ")" : "")
      : (intent.available ? "không xác định" : "không xác định (máy chủ Rasa không phản hồi)");
    draft.textContent = data.draft.text;
    document.getElementById("draft-note").hidden = data.draft.confident;
    const list = document.getElementById("passages");
    list.replaceChildren();
    for (const passage of data.passages) {
      const item = element("li");
      item.append(element("div", "head", passage.heading));
      item.append(element("div", "meta", passage.citation + " · điểm " + Number(passage.score).toFixed(3) + " · " + passage.id));
      const old = validityLabel(passage);
      if (old) item.append(element("div", "meta old", old));
      item.append(element("p", "text", passage.text));
      list.append(item);
    }
    if (!data.passages.length) list.append(element("li", "", "Không tìm thấy đoạn văn bản nào."));
    result.hidden = false;
  }

  // The gateway's own Vietnamese reason (`error`) for a refused request, else a generic one with the status.
  async function refusal(response) {
    try {
      const body = await response.json();
      if (body && typeof body.error === "string" && body.error) return body.error;
    } catch (error) {
      // not JSON (a proxy's error page): fall through to the generic text
    }
    return response.status >= 500
      ? "Lỗi máy chủ (" + response.status + "). Vui lòng thử lại."
      : "Yêu cầu không được chấp nhận (" + response.status + ").";
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const text = question.value.trim();
    if (!text) { status.textContent = "Vui lòng nhập câu hỏi."; return; }
    sessionStorage.setItem("ocopAssistKey", apiKey.value);
    submit.disabled = true;
    status.textContent = "Đang tra cứu…";
    try {
      const headers = { "Content-Type": "application/json" };
      if (apiKey.value) headers["X-API-Key"] = apiKey.value;
      const response = await fetch("/api/assist", { method: "POST", headers: headers, body: JSON.stringify({ question: text }) });
      if (!response.ok) { status.textContent = await refusal(response); return; }
      render(await response.json());
      status.textContent = "";
    } catch (error) {
      status.textContent = "Không kết nối được máy chủ. Vui lòng thử lại.";
    } finally {
      submit.disabled = false;
    }
  });

  copy.addEventListener("click", async function () {
    try {
      await navigator.clipboard.writeText(draft.textContent);
    } catch (error) {
      const range = document.createRange();
      range.selectNodeContents(draft);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      document.execCommand("copy");
    }
    copy.textContent = "Đã sao chép";
    setTimeout(function () { copy.textContent = "Sao chép câu trả lời"; }, 1500);
  });
})();
