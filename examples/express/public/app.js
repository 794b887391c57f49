// The page talks to the export endpoints mounted at /api/exports. The session cookie the
// existing app set authenticates both fetch and EventSource (which cannot send headers).
const api = '/api/exports';
const $ = (id) => document.getElementById(id);

fetch('/api/me')
  .then((response) => response.json())
  .then((me) => {
    $('user').textContent = `${me.name} (${me.org})`;
  });

$('export').addEventListener('click', async () => {
  $('export').disabled = true;
  $('files').replaceChildren();
  $('status').classList.remove('error');
  try {
    const response = await fetch(api, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'orders', format: $('format').value }),
    });
    const body = await response.json();
    if (!response.ok) throw new Error(body.error.message);
    render(body.export);
    // 200: a fresh identical export already existed and its links are in the answer.
    if (response.status === 202) follow(body.export.exportId);
    else $('export').disabled = false;
  } catch (error) {
    fail(error.message);
  }
});

function follow(exportId) {
  const events = new EventSource(`${api}/${exportId}/events`);
  events.addEventListener('status', (event) => render(JSON.parse(event.data)));
  events.addEventListener('end', () => {
    events.close();
    $('export').disabled = false;
  });
  events.addEventListener('error', (event) => {
    // A server-sent `error` event carries a body; a dropped connection does not (and retries).
    if (event.data) {
      events.close();
      fail(JSON.parse(event.data).error.message);
    }
  });
}

function render(view) {
  const progress = $('progress');
  progress.hidden = false;
  const p = view.progress;
  if (view.status === 'succeeded') {
    progress.value = 1;
    $('status').textContent = `Ready: ${view.result.rows} rows in ${view.result.parts} file(s).`;
    $('files').replaceChildren(...view.files.map((file) => link(view.exportId, file)));
  } else if (view.status === 'failed' || view.status === 'cancelled' || view.status === 'expired') {
    fail(`Export ${view.status}${view.error ? `: ${view.error.message}` : ''}.`);
  } else {
    if (p && p.fraction !== undefined) progress.value = p.fraction;
    else progress.removeAttribute('value');
    $('status').textContent = p ? `${view.status}: ${p.rows} rows written…` : `${view.status}…`;
  }
}

function link(exportId, file) {
  const item = document.createElement('li');
  const anchor = document.createElement('a');
  // Through the API, not the signed URL itself: every click gets a fresh, unexpired URL.
  anchor.href = `${api}/${exportId}/download?part=${file.part}`;
  anchor.textContent = `${file.fileName} (${file.rows} rows)`;
  anchor.setAttribute('download', file.fileName);
  anchor.dataset.part = String(file.part);
  item.append(anchor);
  return item;
}

function fail(message) {
  $('status').textContent = message;
  $('status').classList.add('error');
  $('export').disabled = false;
}
