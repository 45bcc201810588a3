// The page of `mrtsim serve`. Every number comes from the engine through /api/...: this script only
// collects the form, shows the answers, errors and plots (SVG drawn by the engine), follows the
// check by simulation and keeps the session's history.
'use strict';

const $ = (id) => document.getElementById(id);
const designForm = $('design');
const checkForm = $('check-form');
const state = { info: null, history: [], previewSequence: 0, previewTimer: null, pollTimer: null, lastCheckId: 0, check: null };

function outcome() {
  return designForm.querySelector('input[name="outcome"]:checked').value;
}

// The current value of a control by name: the checked radio, a checkbox's state, or the value.
function valueOf(name) {
  const controls = document.getElementsByName(name);
  if (!controls.length) return undefined;
  const first = controls[0];
  if (first.type === 'radio') {
    const checked = Array.from(controls).find((c) => c.checked);
    return checked ? checked.value : undefined;
  }
  if (first.type === 'checkbox') return first.checked;
  return first.value;
}

// Shows the parts of the page that apply to the chosen outcome and options (data-outcome="...",
// data-show="field=value1,value2").
function updateVisibility() {
  const current = outcome();
  for (const element of document.querySelectorAll('[data-outcome]')) {
    const applies = element.dataset.outcome === current;
    if (element.tagName === 'OPTION') {
      element.disabled = !applies;
      element.hidden = !applies;
      if (!applies && element.selected) element.parentElement.value = 'constant';
    } else {
      element.hidden = !applies;
    }
  }
  for (const element of document.querySelectorAll('[data-show]')) {
    const [name, values] = element.dataset.show.split('=');
    const chosen = values.split(',').includes(String(valueOf(name)));
    element.hidden = !chosen || (element.dataset.outcome !== undefined && element.dataset.outcome !== current);
  }
}

// The request of a form: every named control that is shown (not inside a hidden part of the page).
// Files are sent as their name and text: the server never reads the file system.
async function collect(forms) {
  const request = {};
  for (const form of forms) {
    for (const control of form.querySelectorAll('input[name], select[name]')) {
      if (control.name === 'outcome' || control.closest('[hidden]') || control.disabled) continue;
      if (control.type === 'radio') {
        if (control.checked) request[control.name] = control.value;
      } else if (control.type === 'checkbox') {
        request[control.name] = control.checked;
      } else if (control.type === 'file') {
        if (control.files.length) {
          request[control.name + '_name'] = control.files[0].name;
          request[control.name + '_text'] = await control.files[0].text();
        }
      } else {
        request[control.name] = control.value.trim();
      }
    }
  }
  return request;
}

async function api(path, body) {
  const options = body === undefined ? {} : {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  };
  let response;
  try {
    response = await fetch(path, options);
  } catch (error) {
    return { status: 0, data: { errors: [{ field: '', message: 'the mrtsim server does not answer (is it still running?)' }] } };
  }
  try {
    return { status: response.status, data: await response.json() };
  } catch (error) {
    return { status: response.status, data: { errors: [{ field: '', message: 'HTTP ' + response.status }] } };
  }
}

// Each error beside its field (its <p id="err-FIELD">); errors of no shown field go to `summary`.
function showErrors(errors, summary) {
  for (const element of document.querySelectorAll('p.error')) {
    element.hidden = true;
    element.textContent = '';
  }
  for (const control of document.querySelectorAll('[aria-invalid]')) control.removeAttribute('aria-invalid');
  const general = [];
  for (const error of errors || []) {
    const element = error.field ? $('err-' + error.field) : null;
    if (element && !element.parentElement.closest('[hidden]')) {  // shown beside a visible field
      element.textContent = error.message;
      element.hidden = false;
      const control = $('f-' + error.field);
      if (control) control.setAttribute('aria-invalid', 'true');
    } else {
      general.push(error.message);
    }
  }
  for (const box of [$('err-'), $('check-error')]) box.hidden = true;
  if (general.length) {
    summary.textContent = general.join(' ');
    summary.hidden = false;
  }
}

function fixed(value, digits) {
  return value === null || value === undefined ? '' : Number(value).toFixed(digits);
}

function setPlot(id, svg) {
  const figure = $(id);
  if (figure) figure.innerHTML = svg || '';
}

async function preview() {
  const sequence = ++state.previewSequence;
  const reply = await api('/api/' + outcome() + '/preview', await collect([designForm]));
  if (sequence !== state.previewSequence) return;  // a newer preview is on its way
  const plots = reply.data.plots || {};
  for (const name of ['rand_prob', 'availability', 'effect', 'spnc', 'rr']) setPlot('plot-' + name, plots[name]);
  $('total-decisions').textContent = reply.data.total_decisions
    ? reply.data.total_decisions + ' decision points per participant' : '';
  showErrors(reply.data.errors, $('err-'));
}

function schedulePreview() {
  clearTimeout(state.previewTimer);
  state.previewTimer = setTimeout(preview, 250);
}

function clearResults() {
  $('results').innerHTML = '<p class="placeholder">Fill in the design and press Calculate.</p>';
  $('outputs').hidden = true;
}

function clearCheck() {
  $('check-result').hidden = true;
  $('check-status').textContent = '';
  $('check-progress').value = 0;
}

function paragraph(className, text) {
  const p = document.createElement('p');
  if (className) p.className = className;
  p.textContent = text;
  return p;
}

function showAnswer(answer) {
  const results = $('results');
  results.innerHTML = '';
  const headline = document.createElement('p');
  headline.className = 'big';
  if (answer.mode === 'sample_size') {
    headline.append('N = ');
    const n = document.createElement('strong');
    n.id = 'answer-n';
    n.textContent = answer.n;
    headline.append(n, ' participants');
  } else {
    headline.append('power = ');
    const power = document.createElement('strong');
    power.id = 'answer-n';
    power.textContent = fixed(answer.power, 4);
    headline.append(power);
  }
  results.append(headline);
  const power = document.createElement('p');
  power.innerHTML = 'power <span id="answer-power"></span> with N = <span id="answer-at-n"></span>';
  power.querySelector('#answer-power').textContent = fixed(answer.power, 4);
  power.querySelector('#answer-at-n').textContent = answer.n;
  if (answer.target_power !== undefined) power.append(' (target ' + answer.target_power + ')');
  results.append(power);
  if (answer.n_exact !== undefined) results.append(paragraph('detail', 'exact root of the power equation: n = ' + fixed(answer.n_exact, 4)));
  results.append(paragraph('detail', 'F test with ' + answer.df1 + ' and ' + fixed(answer.df2, answer.outcome === 'binary' ? 2 : 0) +
    ' degrees of freedom; noncentrality ' + fixed(answer.ncp, 3) + '; critical value ' + fixed(answer.critical_value, 3) +
    '; p = ' + answer.p + ', q = ' + answer.q));
  for (const warning of answer.warnings || []) results.append(paragraph('warning', 'Warning: ' + warning));

  $('outputs').hidden = false;
  setPlot('curve', answer.curve.svg);
  const rows = $('power-levels').querySelector('tbody');
  rows.innerHTML = '';
  for (const level of answer.power_levels) {
    const row = rows.insertRow();
    row.insertCell().textContent = fixed(level.power, 2);
    row.insertCell().textContent = level.n === null ? (level.note || 'not reached') : level.n;
  }
  $('command').textContent = answer.command || (outcome() === 'binary'
    ? '(a linear or quadratic availability is given on the command line as a file: --avail-file)'
    : '(the command line takes availability as a pattern, not as a file)');
}

async function calculate(event) {
  event.preventDefault();
  const reply = await api('/api/' + outcome() + '/calculate', await collect([designForm]));
  if (reply.status !== 200) {
    showErrors(reply.data.errors, $('err-'));
    clearResults();
    return;
  }
  showErrors([], $('err-'));
  showAnswer(reply.data);
  addHistory({
    kind: reply.data.mode === 'sample_size' ? 'sample size' : 'power', outcome: reply.data.outcome,
    design: reply.data.summary, n: reply.data.n, formula_power: reply.data.power,
    target_power: reply.data.target_power, command: reply.data.command,
  });
}

// ---- check by simulation ----

function setChecking(running) {
  $('check-run').disabled = running;
  $('check-cancel').disabled = !running;
}

async function runCheck(event) {
  event.preventDefault();
  $('check-result').hidden = true;
  const reply = await api('/api/' + outcome() + '/check', await collect([designForm, checkForm]));
  if (reply.status !== 202) {
    showErrors(reply.data.errors, $('check-error'));
    return;
  }
  showErrors([], $('check-error'));
  follow(reply.data);
}

function follow(status) {
  state.lastCheckId = status.id;
  setChecking(true);
  showStatus(status);
  clearInterval(state.pollTimer);
  state.pollTimer = setInterval(poll, 300);
}

async function poll() {
  const reply = await api('/api/check/status');
  if (reply.status !== 200) return;
  showStatus(reply.data);
  if (reply.data.state !== 'running') {
    clearInterval(state.pollTimer);
    state.pollTimer = null;
    setChecking(false);
    updateVisibility();
    if (reply.data.state === 'done') showCheck(reply.data);
  }
}

function showStatus(status) {
  const progress = $('check-progress');
  const total = status.total_units || 0;
  progress.value = total ? status.finished_units / total : 0;
  const seconds = fixed(status.elapsed_seconds, 1) + ' s';
  const text = {
    running: 'Simulating ' + status.replicates + ' trials per hypothesis with N = ' + status.n + '... ' +
      (total ? Math.round(100 * status.finished_units / total) + '%' : 'preparing') + ', ' + seconds,
    done: 'Done in ' + seconds + '.',
    cancelled: 'Cancelled after ' + seconds + '.',
    failed: 'Stopped: ' + status.error,
    idle: '',
  }[status.state];
  $('check-status').textContent = text || '';
  if (status.state === 'done') progress.value = 1;
}

function showCheck(status) {
  const result = status.result;
  state.check = status;
  $('check-caption').textContent = 'N = ' + result.n + ', ' + result.replicates + ' simulated trials per hypothesis, seed ' +
    result.seed + '; ' + status.violations;
  $('check-formula-power').textContent = fixed(result.formula_power, 4);
  $('check-alpha').textContent = result.alpha;
  for (const [key, prefix] of [['power', 'check-power'], ['type1', 'check-type1']]) {
    const rate = result[key];
    $(prefix).textContent = fixed(rate.rate, 4);
    $(prefix + '-se').textContent = fixed(rate.mc_se, 4);
    $(prefix + '-count').textContent = rate.rejections + ' / ' + rate.fitted;
    $(prefix + '-failed').textContent = rate.failed;
  }
  const computed = 'Computed on ' + result.backend + ' in ' + fixed(result.seconds, 1) + ' s.';
  if (result.power.rate === null) {  // no fit succeeded under the alternative: there is no simulated power
    $('check-verdict').textContent = 'No simulated power: every fit failed (see the failures). ' + computed;
  } else {
    const gap = result.power.rate - result.formula_power;
    $('check-verdict').textContent = 'Simulated minus formula power: ' + fixed(gap, 4) + ' (' +
      fixed(Math.abs(gap) / Math.max(result.power.mc_se, 1e-12), 1) + ' Monte Carlo SE). ' + computed;
  }
  $('check-yaml').textContent = status.yaml;
  $('check-result').hidden = false;
  addHistory({
    kind: 'simulation', outcome: result.outcome, design: status.design, violations: status.violations, n: result.n,
    formula_power: result.formula_power, target_power: status.target_power,
    simulated_power: result.power.rate, power_mc_se: result.power.mc_se,
    simulated_type1: result.type1.rate, type1_mc_se: result.type1.mc_se, replicates: result.replicates, seed: result.seed,
  });
}

function download(name, type, text) {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([text], { type }));
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

// ---- history ----

const historyColumns = ['time', 'outcome', 'kind', 'design', 'violations', 'n', 'formula_power', 'target_power',
  'simulated_power', 'power_mc_se', 'simulated_type1', 'type1_mc_se', 'replicates', 'seed', 'command'];

function addHistory(entry) {
  entry.time = new Date().toLocaleTimeString();
  state.history.push(entry);
  const row = $('history-table').querySelector('tbody').insertRow();
  const withSe = (value, se) => (value === undefined ? '' : fixed(value, 4) + ' (' + fixed(se, 4) + ')');
  for (const text of [entry.time, entry.kind + ' (' + entry.outcome + ')', entry.design + (entry.violations ? '; ' + entry.violations : ''),
    entry.n, fixed(entry.formula_power, 4), withSe(entry.simulated_power, entry.power_mc_se),
    withSe(entry.simulated_type1, entry.type1_mc_se)]) {
    row.insertCell().textContent = text;
  }
}

function csvCell(value) {
  if (value === undefined || value === null) return '';
  const text = String(value);
  return /[",\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
}

function historyCsv() {
  const lines = [historyColumns.join(',')];
  for (const entry of state.history) lines.push(historyColumns.map((c) => csvCell(entry[c])).join(','));
  return lines.join('\n') + '\n';
}

// ---- start ----

async function start() {
  const info = await api('/api/info');
  state.info = info.data;
  $('version').textContent = info.data.version || '';
  updateVisibility();
  designForm.addEventListener('input', schedulePreview);
  designForm.addEventListener('change', (event) => {
    if (event.target.name === 'outcome') {
      clearResults();
      if (!state.pollTimer) clearCheck();  // a check's answer belongs to the other outcome's design
    }
    updateVisibility();
    schedulePreview();
  });
  designForm.addEventListener('submit', calculate);
  checkForm.addEventListener('change', updateVisibility);
  checkForm.addEventListener('submit', runCheck);
  $('check-cancel').addEventListener('click', () => api('/api/check/cancel', {}));
  $('check-download').addEventListener('click', () => download('mrtsim_check.yaml', 'application/x-yaml', state.check.yaml));
  $('history-download').addEventListener('click', () => download('mrtsim_history.csv', 'text/csv', historyCsv()));
  $('history-clear').addEventListener('click', () => {
    state.history = [];
    $('history-table').querySelector('tbody').innerHTML = '';
  });
  preview();
  const status = await api('/api/check/status');  // a check started before the page was (re)loaded
  if (status.data.state === 'running') follow(status.data);
}

start();
