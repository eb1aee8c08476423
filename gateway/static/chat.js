// Web chat of the OCOP advisor. All text goes into the page with textContent only (no HTML parsing).
// The sender id and the conversation are kept in localStorage so a reload keeps the history.
// While hotline staff hold the conversation, their replies arrive over an EventSource (/api/chat/events).
(function () {
  "use strict";

  var STORAGE_KEY = "ocop-chat";
  var HISTORY_LIMIT = 200;
  var GREETING_PAYLOAD = "/greet";
  var NETWORK_ERROR = "Không kết nối được với máy chủ. Bạn vui lòng kiểm tra mạng và thử lại.";

  var log = document.getElementById("log");
  var form = document.getElementById("composer");
  var input = document.getElementById("message");
  var sendButton = document.getElementById("send");
  var typing = document.getElementById("typing");
  var resetButton = document.getElementById("reset");

  function newSender() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function load() {
    try {
      var saved = JSON.parse(window.localStorage.getItem(STORAGE_KEY) || "null");
      if (saved && typeof saved.sender === "string" && Array.isArray(saved.history)) {
        return saved;
      }
    } catch (error) { /* unreadable storage: start over */ }
    return { sender: newSender(), history: [] };
  }

  var state = load();
  var push = null;

  function closePush() {
    if (push) {
      push.close();
      push = null;
    }
  }

  function openPush() {
    if (push || !window.EventSource) {
      return;
    }
    var url = "/api/chat/events?sender=" + encodeURIComponent(state.sender) + "&after=" + (state.pushed || 0);
    push = new EventSource(url);
    push.addEventListener("message", function (event) {
      var data = JSON.parse(event.data);
      if (data.id <= (state.pushed || 0)) {
        return;
      }
      state.pushed = data.id;
      state.history.push({ from: "bot", text: data.text, buttons: [] });
      save();
      render();
    });
    push.addEventListener("end", function () {
      closePush();
      state.live = false;
      save();
    });
  }

  function save() {
    state.history = state.history.slice(-HISTORY_LIMIT);
    try {
      window.localStorage.setItem(STORAGE_KEY, JSON.stringify(state));
    } catch (error) { /* storage full or disabled: the chat still works */ }
  }

  function bubble(entry) {
    var div = document.createElement("div");
    div.className = "msg " + (entry.from === "user" ? "user" : "bot");
    div.textContent = entry.text;
    return div;
  }

  function buttonRow(buttons) {
    var row = document.createElement("div");
    row.className = "buttons";
    buttons.forEach(function (button) {
      var element = document.createElement("button");
      element.type = "button";
      element.textContent = button.title;
      element.addEventListener("click", function () { send(button.payload, button.title); });
      row.appendChild(element);
    });
    return row;
  }

  function render() {
    log.textContent = "";
    state.history.forEach(function (entry, index) {
      if (entry.text) {
        log.appendChild(bubble(entry));
      }
      var last = index === state.history.length - 1;
      if (last && entry.from === "bot" && entry.buttons && entry.buttons.length) {
        log.appendChild(buttonRow(entry.buttons));
      }
    });
    log.scrollTop = log.scrollHeight;
  }

  function busy(on) {
    typing.hidden = !on;
    sendButton.disabled = on;
  }

  function send(message, shown) {
    if (shown) {
      state.history.push({ from: "user", text: shown });
    }
    save();
    render();
    busy(true);
    return fetch("/api/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: state.sender, message: message })
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) {
          throw new Error(data && data.error ? data.error : NETWORK_ERROR);
        }
        return data;
      });
    }).then(function (data) {
      state.sender = data.sender || state.sender;
      state.live = Boolean(data.live);
      data.messages.forEach(function (message) {
        state.history.push({ from: "bot", text: message.text, buttons: message.buttons || [] });
      });
    }).catch(function (error) {
      var text = error && error.message && !(error instanceof TypeError) ? error.message : NETWORK_ERROR;
      state.history.push({ from: "bot", text: text, buttons: [] });
    }).then(function () {
      busy(false);
      save();
      render();
      if (state.live) {
        openPush();
      }
      input.focus();
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text || sendButton.disabled) {
      return;
    }
    input.value = "";
    send(text, text);
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  resetButton.addEventListener("click", function () {
    closePush();
    state = { sender: newSender(), history: [] };
    send(GREETING_PAYLOAD, null);
  });

  render();
  if (state.live) {
    openPush();
  }
  if (!state.history.length) {
    send(GREETING_PAYLOAD, null);
  }
})();
