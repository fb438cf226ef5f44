// Keyboard-first activity logging: 1–4 pick the type, type-ahead picks the deal or account,
// Enter in the outcome line saves. The server measures entry time; nothing here is required.
(function () {
  "use strict";
  const form = document.getElementById("log-form");
  if (!form) return;
  const picker = form.querySelector(".picker");
  const search = document.getElementById("target-search");
  const list = document.getElementById("target-list");
  const value = document.getElementById("target-value");
  const label = document.getElementById("target-label");
  const chosen = document.getElementById("target-chosen");
  const chosenLabel = document.getElementById("target-chosen-label");
  const searchWrap = document.getElementById("target-search-wrap");
  const summary = form.querySelector("input[name=summary]");
  const radios = Array.from(form.querySelectorAll("input[name=type]"));
  let active = -1;
  let timer = null;

  function options() { return Array.from(list.querySelectorAll("[role=option]")); }

  function highlight(index) {
    const opts = options();
    if (!opts.length) { active = -1; return; }
    active = (index + opts.length) % opts.length;
    opts.forEach((o, i) => o.setAttribute("aria-selected", i === active ? "true" : "false"));
    search.setAttribute("aria-activedescendant", opts[active].id);
    opts[active].scrollIntoView({ block: "nearest" });
  }

  function choose(option) {
    value.value = option.dataset.value;
    label.value = option.textContent.trim();
    chosenLabel.textContent = label.value;
    chosen.hidden = false;
    searchWrap.hidden = true;
    search.setAttribute("aria-expanded", "false");
    summary.focus();
  }

  function render(results) {
    list.innerHTML = "";
    results.forEach((r, i) => {
      const li = document.createElement("li");
      li.setAttribute("role", "option");
      li.id = "opt-r" + i;
      li.dataset.value = r.deal_id ? "deal:" + r.deal_id : "account:" + r.account_id;
      li.textContent = r.label + (r.stage ? " (" + r.stage + ")" : "");
      list.appendChild(li);
    });
    search.setAttribute("aria-expanded", results.length ? "true" : "false");
    highlight(0);
  }

  function query() {
    const url = picker.dataset.targetsUrl + "?q=" + encodeURIComponent(search.value);
    fetch(url, { credentials: "same-origin" }).then((r) => r.json()).then((d) => render(d.results));
  }

  search && search.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(query, 120); });
  search && search.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown") { e.preventDefault(); highlight(active + 1); }
    else if (e.key === "ArrowUp") { e.preventDefault(); highlight(active - 1); }
    else if (e.key === "Enter") {
      e.preventDefault();
      const opts = options();
      if (opts.length) choose(opts[Math.max(active, 0)]);
    }
  });
  list && list.addEventListener("click", (e) => {
    const li = e.target.closest("[role=option]");
    if (li) choose(li);
  });
  const change = document.getElementById("target-change");
  change && change.addEventListener("click", () => {
    chosen.hidden = true; searchWrap.hidden = false; search.value = ""; search.focus(); query();
  });

  document.addEventListener("keydown", (e) => {
    const typing = e.target.matches("input[type=text], input[type=search], textarea");
    const digit = /^[1-9]$/.test(e.key) ? parseInt(e.key, 10) : 0;
    if (digit && (!typing || e.altKey) && radios[digit - 1]) {
      e.preventDefault();
      radios[digit - 1].checked = true;
    }
  });

  // Start where the next keystroke belongs: the picker if no target yet, else the outcome line.
  const accept = document.querySelector("[data-testid=logged] button[value=accept]");
  if (accept) accept.focus();
  else (value.value ? summary : search).focus();
  if (search && !value.value) highlight(0);
})();
