// The live preview: takes the state press serve sends (the same JSON as /status.json) and updates the page
// in place, element by element, so the reader's scroll position, focus and open topics stay as they were.
"use strict";

const topics = document.getElementById("topics");
const template = document.getElementById("topic-template");
const closedKey = "press-serve-closed"; // topics the author closed, kept across reloads of this tab
const closed = new Set(JSON.parse(sessionStorage.getItem(closedKey) || "[]"));

function text(element, value) {
  if (element.textContent !== value) element.textContent = value;
}

function show(element, visible) {
  element.hidden = !visible;
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function buildLine(build) {
  if (build.state === "starting") return "Checking the sources…";
  if (build.state === "building") {
    return build.made ? `Building… ${plural(build.made, "document")} made so far.` : "Building…";
  }
  if (build.message) return `The build stopped at ${build.finished}: ${build.message}`;
  const parts = [`made ${build.made}`, `${build.up_to_date} already up to date`];
  if (build.failed.length) parts.push(`${build.failed.length} failed`);
  let line = `Last build at ${build.finished}: ${parts.join(", ")}, in ${build.seconds} s.`;
  if (build.errors) line += ` ${plural(build.errors, "error")}: pages that could not be remade are the last good ones, marked stale.`;
  else if (build.warnings) line += ` ${plural(build.warnings, "warning")}.`;
  return line;
}

// One problem: its line as the terminal prints it, then the source lines around it with the column marked.
function problemItem(problem) {
  const item = document.createElement("li");
  item.className = `problem ${problem.severity}`;
  const line = document.createElement("p");
  const code = document.createElement("code");
  code.textContent = problem.text;
  line.append(code);
  item.append(line);
  if (problem.context.length) item.append(contextBlock(problem));
  return item;
}

// The source lines around a problem, numbered; its own line in bold with the column marked beneath it.
function contextBlock(problem) {
  const pre = document.createElement("pre");
  pre.className = "context";
  pre.setAttribute("aria-label", `${problem.path} around line ${problem.line}`);
  const width = String(problem.context[problem.context.length - 1].number).length;
  for (const source of problem.context) {
    const number = String(source.number).padStart(width);
    const row = document.createElement("span");
    row.className = source.here ? "row here" : "row";
    if (source.here && problem.col > 0) {
      const at = Math.min(problem.col - 1, source.text.length);
      const mark = document.createElement("mark");
      mark.textContent = source.text.slice(at, at + 1) || " ";
      row.append(`${number} | ${source.text.slice(0, at)}`, mark, `${source.text.slice(at + 1)}\n`);
      pre.append(row, caretRow(width, at));
    } else {
      row.append(`${number} | ${source.text}\n`);
      pre.append(row);
    }
  }
  return pre;
}

function caretRow(width, at) {
  const row = document.createElement("span");
  row.className = "row";
  row.setAttribute("aria-hidden", "true");
  const caret = document.createElement("span");
  caret.className = "caret";
  caret.textContent = "^";
  row.append(`${" ".repeat(width)} | ${" ".repeat(at)}`, caret, "\n");
  return row;
}

function updateProblems(list, problems) {
  const key = JSON.stringify(problems);
  if (list.dataset.key === key) return;
  list.dataset.key = key;
  list.replaceChildren(...problems.map(problemItem));
  show(list, problems.length > 0);
}

// Swap an image only once the new one has loaded, so a page never blinks empty while it is remade.
function swap(img, src) {
  if (img.dataset.want === src) return;
  img.dataset.want = src;
  const next = new Image();
  next.onload = () => {
    if (img.dataset.want === src) img.src = src;
  };
  next.src = src;
}

function updatePages(box, document_) {
  const pages = document_.pages;
  while (box.children.length > pages.length) box.lastElementChild.remove();
  pages.forEach((page, i) => {
    let link = box.children[i];
    if (!link) {
      link = document.createElement("a");
      link.className = "page";
      link.target = "_blank";
      const img = document.createElement("img");
      img.addEventListener("load", () => {
        img.dataset.loaded = img.getAttribute("src");
        img.dataset.loadedAt = String(Date.now());
      });
      link.append(img);
      box.append(link);
    }
    const img = link.firstElementChild;
    link.href = page.full;
    img.alt = page.alt;
    img.width = Math.round(page.size[0]);
    img.height = Math.round(page.size[1]);
    swap(img, page.image);
  });
}

function noteFor(document_, building) {
  if (!document_.pages.length) {
    if (document_.failed) return "Not made: see the problems above.";
    return building ? "Being made…" : "Not made yet.";
  }
  if (document_.current) return "";
  return "Stale: these are the last good pages; the sources changed since and it could not be remade yet.";
}

// What the fit meter says: the size it was set at, and the words left before the page overflows (or what to cut).
function fitLines(fit) {
  const size = `${fit.body} pt, ${Math.round(fit.spacing * 100)}% spacing`;
  const dropped = fit.dropped.length ? `Left out to fit: ${fit.dropped.join(", ")}. ` : "";
  if (!fit.fits) {
    return [
      `Does not fit: ${fit.overflow_mm} mm too long, even at ${size} (the smallest this layout allows). ` +
        `Cut about ${plural(fit.cut_words, "word")}.`,
      dropped,
    ];
  }
  const renders = `It took ${plural(fit.renders, "render")}.`;
  if (fit.floor_words === null) {
    return [
      `Fits at ${size}: ${fit.spare_mm} mm left, about ${plural(fit.room_words, "more word")} at this size ` +
        "(more once it sets smaller).",
      dropped + renders,
    ];
  }
  return [
    `Fits at ${size}, set smaller to fit: about ${plural(fit.floor_words, "more word")} ` +
      `(${fit.floor_room_mm} mm) before it overflows even at the smallest size.`,
    dropped + renders,
  ];
}

function glance(fit) {
  if (!fit) return "";
  if (!fit.fits) return `one-pager ${fit.overflow_mm} mm over`;
  if (fit.floor_words === null) return `one-pager: at least ${plural(fit.room_words, "more word")}`;
  return `one-pager: about ${plural(fit.floor_words, "more word")}`;
}

function updateDocument(section, document_, building) {
  section.classList.toggle("stale", document_.pages.length > 0 && !document_.current);
  const pdf = section.querySelector("a.pdf");
  show(pdf, Boolean(document_.pdf));
  if (document_.pdf) pdf.href = document_.pdf;
  const note = noteFor(document_, building);
  const noteElement = section.querySelector(".note");
  text(noteElement, note);
  show(noteElement, Boolean(note));
  const fitBox = section.querySelector(".fit");
  if (fitBox) {
    const fit = document_.fit;
    show(fitBox, Boolean(fit));
    if (fit) {
      const [line, more] = fitLines(fit);
      text(fitBox.querySelector(".fit-line"), line);
      text(fitBox.querySelector(".fit-more"), more);
      const meter = fitBox.querySelector("meter");
      meter.value = fit.fill;
      const full = fit.fits ? `${Math.round(fit.fill * 100)}% full` : "overflowing";
      meter.setAttribute("aria-label", `How full the one-pager is: ${full}`);
      fitBox.classList.toggle("over", !fit.fits);
    }
  }
  updatePages(section.querySelector(".pages"), document_);
}

function topicElement(topic) {
  let element = document.getElementById(`topic-${topic.id}`);
  if (!element) {
    element = template.content.firstElementChild.cloneNode(true);
    element.id = `topic-${topic.id}`;
    element.open = !closed.has(topic.id);
    element.addEventListener("toggle", () => {
      if (element.open) closed.delete(topic.id);
      else closed.add(topic.id);
      sessionStorage.setItem(closedKey, JSON.stringify([...closed]));
    });
  }
  return element;
}

function updateTopic(element, topic, building) {
  text(element.querySelector(".title"), topic.title);
  text(element.querySelector(".topic-id"), `(${topic.id})`);
  const status = element.querySelector(".status");
  text(status, topic.status);
  status.className = `status status-${topic.status}`;
  text(element.querySelector(".glance"), glance(topic.documents["one-pager"].fit));
  updateProblems(element.querySelector(".problems"), topic.problems);
  updateDocument(element.querySelector(".briefing"), topic.documents.briefing, building);
  updateDocument(element.querySelector(".one-pager"), topic.documents["one-pager"], building);
}

function apply(state) {
  text(document.getElementById("build"), buildLine(state.build));
  document.body.dataset.build = state.build.state;
  document.body.dataset.version = String(state.version);
  const shared = document.getElementById("shared");
  updateProblems(shared.querySelector(".problems"), state.problems);
  show(shared, state.problems.length > 0);
  const wanted = new Set(state.topics.map((t) => `topic-${t.id}`));
  for (const old of [...topics.children]) if (!wanted.has(old.id)) old.remove();
  state.topics.forEach((topic, i) => {
    const element = topicElement(topic);
    if (topics.children[i] !== element) topics.insertBefore(element, topics.children[i] || null);
    updateTopic(element, topic, state.build.state !== "done" && state.build.state !== "failed");
  });
}

const events = new EventSource("/events");
events.addEventListener("state", (event) => apply(JSON.parse(event.data)));
events.addEventListener("error", () => {
  text(document.getElementById("build"), "Lost the connection to press serve; trying again…");
});
