// Staff inbox: the queue, one conversation's transcript, replies with the assistant's draft and canned texts.
// Live over Server-Sent Events (/staff/api/inbox/events). All text goes into the page with textContent only.
(function () {
  "use strict";

  var CSRF = document.querySelector('meta[name="csrf-token"]').content;
  var STATES = { waiting: "Đang chờ", open: "Đang xử lý", closed: "Đã đóng" };
  var CHANNELS = { zalo: "Zalo", telegram: "Telegram", web: "Web" };
  var WHO = { in: "Người dân", bot: "Trợ lý", staff: "Cán bộ", system: "Thông báo" };
  var DELIVERY = {
    window_closed: "KHÔNG GỬI ĐƯỢC: Zalo chỉ cho trả lời trong 48 giờ kể từ tin nhắn cuối của người dân (hoặc người dân " +
      "đã bỏ quan tâm OA). Hãy liên hệ người dân bằng cách khác.",
    failed: "KHÔNG GỬI ĐƯỢC: kênh nhắn tin báo lỗi. Hãy thử lại sau."
  };

  var $ = function (id) { return document.getElementById(id); };
  var main = document.querySelector("main.inbox");
  var current = null;
  var shown = {};
  var canned = [];

  function api(path, method, body) {
    var options = { method: method || "GET", headers: { Accept: "application/json" }, credentials: "same-origin" };
    if (method && method !== "GET") {
      options.headers["X-CSRF-Token"] = CSRF;
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body || {});
    }
    return fetch(path, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var detail = data && typeof data.detail === "string" ? data.detail : (data && data.error) || "Lỗi " + response.status;
          throw new Error(detail);
        }
        return data;
      });
    });
  }

  function status(text, bad) {
    $("status").textContent = text || "";
    $("status").className = bad ? "bad" : "";
  }

  function minutes(seconds) {
    if (seconds < 60) { return "dưới 1 phút"; }
    var m = Math.round(seconds / 60);
    return m < 60 ? m + " phút" : Math.floor(m / 60) + " giờ " + (m % 60) + " phút";
  }

  function renderQueue(conversations) {
    var list = $("queue");
    list.textContent = "";
    conversations.forEach(function (c) {
      var item = document.createElement("li");
      item.className = "state-" + c.state;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "conv" + (current && current.id === c.id ? " selected" : "");
      button.dataset.id = c.id;
      var badge = document.createElement("span");
      badge.className = "badge";
      badge.textContent = (CHANNELS[c.channel] || c.channel) + " · " + STATES[c.state];
      var line = document.createElement("span");
      line.className = "muted";
      line.textContent = " " + (c.first_reply_at ? "đã trả lời sau " : "chờ ") + minutes(c.waiting_seconds) +
        (c.assignee ? " · " + c.assignee : "");
      var question = document.createElement("div");
      question.textContent = c.question || "(chưa có câu hỏi)";
      button.appendChild(badge);
      button.appendChild(line);
      button.appendChild(question);
      button.addEventListener("click", function () { open(c.id); });
      item.appendChild(button);
      list.appendChild(item);
    });
    $("empty").hidden = conversations.length > 0;
  }

  function refreshQueue() {
    return api("/staff/api/inbox").then(function (data) {
      if (!canned.length && data.canned.length) {
        canned = data.canned;
        canned.forEach(function (entry) {
          var option = document.createElement("option");
          option.value = entry.id;
          option.textContent = entry.title;
          $("canned").appendChild(option);
        });
      }
      renderQueue(data.conversations);
    });
  }

  function appendMessage(m) {
    if (shown[m.id]) { return; }
    shown[m.id] = true;
    var div = document.createElement("div");
    div.className = "m " + m.direction + (m.delivery ? " " + m.delivery : "");
    div.dataset.id = m.id;
    var who = document.createElement("span");
    who.className = "who";
    var at = new Date(m.at * 1000).toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit" });
    who.textContent = (WHO[m.direction] || m.direction) + (m.author ? " " + m.author : "") + " · " + at;
    div.appendChild(who);
    div.appendChild(document.createTextNode(m.text));
    if (DELIVERY[m.delivery]) {
      var warn = document.createElement("strong");
      warn.className = "delivery";
      warn.textContent = "\n" + DELIVERY[m.delivery];
      div.appendChild(warn);
    }
    var transcript = $("transcript");
    transcript.appendChild(div);
    transcript.scrollTop = transcript.scrollHeight;
  }

  function showMeta(c) {
    current = c;
    $("conv-title").textContent = (CHANNELS[c.channel] || c.channel) + " · " + STATES[c.state];
    $("conv-meta").textContent = "Bắt đầu " + new Date(c.created_at * 1000).toLocaleString("vi-VN") +
      (c.reason === "refusals" ? " · trợ lý không trả lời được 2 câu liên tiếp" : " · người dân đề nghị gặp cán bộ") +
      (c.assignee ? " · phụ trách: " + c.assignee : " · chưa ai nhận");
    var closed = c.state === "closed";
    ["assign", "return", "close", "send"].forEach(function (id) { $(id).disabled = closed; });
    $("assign").hidden = c.assignee === $("me").dataset.user;
  }

  function loadDraft() {
    if (!current) { return; }
    var id = current.id;
    $("draft-citation").textContent = "Đang soạn bản nháp…";
    api("/staff/api/inbox/" + id + "/draft").then(function (data) {
      if (!current || current.id !== id) { return; }
      var draft = data.draft;
      $("draft-citation").textContent = draft ? (draft.citation ? "Trích dẫn: " + draft.citation : "Trợ lý chưa chắc chắn: hãy kiểm tra kỹ.") +
        " (câu hỏi: " + data.question + ")" : "Chưa có câu hỏi để soạn nháp.";
      var list = $("passages");
      list.textContent = "";
      (data.passages || []).slice(0, 3).forEach(function (p) {
        var item = document.createElement("li");
        item.textContent = p.citation + ": " + p.text.slice(0, 400);
        list.appendChild(item);
      });
      if (draft && draft.text && !$("reply").value.trim()) {
        $("reply").value = draft.text;
      }
    }).catch(function (error) { $("draft-citation").textContent = error.message; });
  }

  function open(id) {
    shown = {};
    $("transcript").textContent = "";
    $("reply").value = "";
    status("");
    return api("/staff/api/inbox/" + id).then(function (data) {
      showMeta(data.conversation);
      $("note").value = data.conversation.note || "";
      data.messages.forEach(appendMessage);
      $("conversation").hidden = false;
      main.classList.add("reading");
      refreshQueue();
      if (data.conversation.state !== "closed") { loadDraft(); }
    }).catch(function (error) { status(error.message, true); });
  }

  function act(path, body, done) {
    if (!current) { return; }
    status("");
    return api("/staff/api/inbox/" + current.id + "/" + path, "POST", body).then(function (data) {
      if (data.conversation) { showMeta(data.conversation); }
      if (done) { done(data); }
      refreshQueue();
    }).catch(function (error) { status(error.message, true); });
  }

  $("reply-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = $("reply").value.trim();
    if (!text) { status("Nội dung trả lời đang trống.", true); return; }
    $("send").disabled = true;
    act("reply", { text: text }, function (data) {
      appendMessage(data.message);
      if (DELIVERY[data.message.delivery]) {
        status(DELIVERY[data.message.delivery], true);
      } else {
        status("Đã gửi.");
        $("reply").value = "";
      }
    }).then(function () { $("send").disabled = current && current.state === "closed"; });
  });
  $("assign").addEventListener("click", function () { act("assign"); });
  $("return").addEventListener("click", function () { act("return", {}, function () { status("Đã trả lại cho trợ lý."); }); });
  $("close").addEventListener("click", function () { act("close", {}, function () { status("Đã đóng cuộc trò chuyện."); }); });
  $("save-note").addEventListener("click", function () {
    act("note", { note: $("note").value }, function () { status("Đã lưu ghi chú."); });
  });
  $("draft").addEventListener("click", function () { $("reply").value = ""; loadDraft(); });
  $("canned").addEventListener("change", function () {
    var chosen = canned.filter(function (entry) { return String(entry.id) === $("canned").value; })[0];
    if (chosen) {
      var reply = $("reply");
      reply.value = reply.value.trim() ? reply.value.trim() + "\n" + chosen.text : chosen.text;
    }
    $("canned").value = "";
  });
  $("back").addEventListener("click", function () { main.classList.remove("reading"); });

  function connect() {
    var events = new EventSource("/staff/api/inbox/events");
    events.addEventListener("open", function () { $("live").textContent = "Đang cập nhật trực tiếp."; });
    events.addEventListener("error", function () { $("live").textContent = "Mất kết nối, đang kết nối lại…"; });
    events.addEventListener("message", function (event) {
      var m = JSON.parse(event.data);
      if (current && m.handover_id === current.id) { appendMessage(m); }
    });
    events.addEventListener("queue", function () {
      refreshQueue();
      if (current) {
        api("/staff/api/inbox/" + current.id).then(function (data) { showMeta(data.conversation); });
      }
    });
  }

  refreshQueue().catch(function (error) { $("live").textContent = error.message; });
  connect();
})();
