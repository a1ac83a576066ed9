// Forms marked data-busy show that they are working and are sent once: a second click or Enter does nothing.
(function () {
  "use strict";
  function settle(form) {
    form.removeAttribute("aria-busy");
    form.querySelectorAll("button[aria-disabled]").forEach(function (button) {
      button.removeAttribute("aria-disabled");
      if (button.dataset.idleText) { button.textContent = button.dataset.idleText; }
    });
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-busy")) { return; }
    if (form.getAttribute("aria-busy") === "true") { event.preventDefault(); return; }
    form.setAttribute("aria-busy", "true");
    var pressed = event.submitter || form.querySelector("button[type=submit]");
    form.querySelectorAll("button").forEach(function (button) {
      button.setAttribute("aria-disabled", "true"); // not `disabled`: the pressed button's value is still sent
    });
    if (pressed && pressed.dataset.busyText) {
      pressed.dataset.idleText = pressed.textContent;
      pressed.textContent = pressed.dataset.busyText;
    }
  });
  window.addEventListener("pageshow", function (event) { // back to a page kept in the cache: ready again
    if (event.persisted) { document.querySelectorAll("form[aria-busy]").forEach(settle); }
  });
}());
