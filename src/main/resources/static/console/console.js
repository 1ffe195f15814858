// DNT-ME console: a thin client of the gateway's /v1 API (docs/api.md). No framework, no build step,
// nothing loaded from outside this service. The API token lives in sessionStorage only.
'use strict';

(function () {
  const TOKEN_KEY = 'dntme.console.token';
  const MATCH_THRESHOLD = 0.6;
  const FLAG_SOURCES = {
    'request': 'request — this upload\'s own choice',
    'header': 'header — DNT-ME: 1 on the request',
    'metadata': 'metadata — the photo\'s own IPTC data-mining mark',
    'user-setting': 'user-setting — the user\'s account setting',
    'default': 'default — nothing asked for it (off)'
  };

  // Published animations play in <img>; clips in <video> (docs/api.md, "Animations and videos").
  const IMAGE_TYPES = ['image/gif', 'image/apng', 'image/webp', 'image/png', 'image/jpeg'];
  const VIDEO_TYPES = ['video/mp4', 'video/webm'];
  const POLL_MS = 2000;

  const $ = (id) => document.getElementById(id);
  let current = null;          // the image JSON on display
  let originalUrl = null;      // blob: URL of the original, revoked when replaced
  let republishTimer = null;
  let jobTimer = null;         // polls GET /v1/images/{id} while the image is processing

  // ---- token -------------------------------------------------------------------------------------

  function token() {
    return sessionStorage.getItem(TOKEN_KEY);
  }

  function showSignedIn(signedIn) {
    $('sign-in').hidden = signedIn;
    $('console').hidden = !signedIn;
    $('session').hidden = !signedIn;
  }

  function signIn(event) {
    event.preventDefault();
    const value = $('token').value.trim();
    if (!value) {
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, value);
    $('token').value = '';
    clearError();
    showSignedIn(true);
    $('user-id').focus();
  }

  function signOut() {
    sessionStorage.removeItem(TOKEN_KEY);
    stopRepublishPolling();
    stopJobPolling();
    clearResult();
    $('dnt-toggle').checked = false;
    $('dnt-toggle').disabled = true;
    $('dnt-state').textContent = 'Load a user to see the setting.';
    $('republish').hidden = true;
    $('upload-status').textContent = '';
    clearError();
    showSignedIn(false);
    $('token').focus();
  }

  // ---- API calls ---------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(title, detail, status) {
      super(title + ': ' + detail);
      this.title = title;
      this.detail = detail;
      this.status = status;
    }
  }

  async function api(path, options) {
    const opts = options || {};
    const headers = new Headers(opts.headers || {});
    headers.set('Authorization', 'Bearer ' + (token() || ''));
    let response;
    try {
      response = await fetch(path, Object.assign({}, opts, { headers, cache: 'no-store', credentials: 'omit' }));
    } catch (e) {
      throw new ApiError('Network error', 'The service did not answer (' + e.message + ').', 0);
    }
    if (!response.ok) {
      let title = 'HTTP ' + response.status;
      let detail = response.statusText || '';
      try {
        const problem = await response.json();
        title = problem.title || title;
        detail = problem.detail || detail;
      } catch (ignored) {
        // not problem+json: keep the status line
      }
      if (response.status === 401) {
        detail += ' — check the token, or sign out and sign in with another.';
      }
      throw new ApiError(title, detail, response.status);
    }
    return response;
  }

  function showError(error) {
    $('error-title').textContent = error.title || 'Error';
    $('error-detail').textContent = error.detail || error.message || String(error);
    $('error').hidden = false;
  }

  function clearError() {
    $('error').hidden = true;
    $('error-title').textContent = '';
    $('error-detail').textContent = '';
  }

  function userId() {
    const input = $('user-id');
    if (!input.reportValidity()) {
      return null;
    }
    return input.value.trim();
  }

  // ---- account setting ---------------------------------------------------------------------------

  async function loadSettings(event) {
    if (event) {
      event.preventDefault();
    }
    const user = userId();
    if (!user) {
      return;
    }
    clearError();
    try {
      const response = await api('/v1/users/' + encodeURIComponent(user) + '/settings');
      showSettings(user, await response.json());
    } catch (e) {
      $('dnt-toggle').disabled = true;
      $('dnt-state').textContent = 'Setting not loaded.';
      showError(e);
    }
  }

  function showSettings(user, settings) {
    const toggle = $('dnt-toggle');
    toggle.checked = settings.dntMe === true;
    toggle.disabled = false;
    toggle.dataset.user = user;
    toggle.dataset.saved = String(settings.dntMe === true);
    const level = $('level');
    level.value = settings.level || '';
    level.dataset.saved = level.value;
    level.disabled = false;
    $('dnt-state').textContent = user + ': DNT-ME is ' + (settings.dntMe ? 'ON' : 'off')
        + ' for uploads that say nothing themselves.';
    showRepublish(user, settings.republish);
  }

  function showRepublish(user, republish) {
    stopRepublishPolling();
    const box = $('republish');
    if (!republish || typeof republish !== 'object') {
      box.hidden = true;
      return;
    }
    const done = Number(republish.done) || 0;
    const total = Number(republish.total) || 0;
    const state = String(republish.state || 'unknown');
    const progress = $('republish-progress');
    if (total > 0) {
      progress.max = total;
      progress.value = Math.min(done, total);
    } else {
      progress.removeAttribute('value'); // indeterminate
    }
    $('republish-text').textContent = state + (total > 0 ? ': ' + done + ' of ' + total : '');
    box.hidden = false;
    if (['running', 'pending', 'queued', 'started'].includes(state.toLowerCase())) {
      republishTimer = setTimeout(() => refreshSettings(user), 2000);
    }
  }

  function stopRepublishPolling() {
    if (republishTimer) {
      clearTimeout(republishTimer);
      republishTimer = null;
    }
  }

  async function refreshSettings(user) {
    republishTimer = null;
    if (!token() || $('dnt-toggle').dataset.user !== user) {
      return;
    }
    try {
      const response = await api('/v1/users/' + encodeURIComponent(user) + '/settings');
      showSettings(user, await response.json());
    } catch (e) {
      showError(e);
    }
  }

  async function changeSetting() {
    const toggle = $('dnt-toggle');
    const user = toggle.dataset.user;
    const wanted = toggle.checked;
    const level = $('level').value;
    toggle.disabled = true;
    $('level').disabled = true;
    clearError();
    try {
      const body = { dntMe: wanted };
      if (level) {
        body.level = level; // absent: the service default
      }
      await api('/v1/users/' + encodeURIComponent(user) + '/settings', {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body)
      });
      // Read it back: the answer may carry the re-publish progress of existing photos.
      const response = await api('/v1/users/' + encodeURIComponent(user) + '/settings');
      showSettings(user, await response.json());
    } catch (e) {
      toggle.checked = toggle.dataset.saved === 'true'; // as last read from the service
      toggle.disabled = false;
      $('level').value = $('level').dataset.saved || '';
      $('level').disabled = false;
      showError(e);
    }
  }

  // ---- upload and result -------------------------------------------------------------------------

  async function upload(event) {
    event.preventDefault();
    const user = userId();
    const file = $('file').files[0];
    if (!user || !file) {
      $('upload-form').reportValidity();
      return;
    }
    const form = new FormData();
    form.append('file', file, file.name);
    form.append('userId', user);
    const flag = document.querySelector('input[name="flag"]:checked').value;
    if (flag === 'on') {
      form.append('dntMe', 'true');
    } else if (flag === 'off') {
      form.append('dntMe', 'false');
    }
    if ($('strength').value) {
      form.append('strength', $('strength').value); // else the service's default strength
    }

    clearError();
    const button = $('upload-button');
    button.disabled = true;
    $('upload-status').textContent = 'Uploading… a flagged photo with faces takes a few seconds to cloak.';
    // A 202 (animation or video, state processing) comes back at once; the page then polls its progress.
    const started = performance.now();
    try {
      const response = await api('/v1/images', { method: 'POST', body: form });
      const image = await response.json();
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      $('upload-status').textContent = image.state === 'processing'
        ? 'Accepted in ' + seconds + ' s: ' + (image.media ? 'processing every frame' : 'cloaking at the strong level')
          + ' in the background.'
        : 'Uploaded in ' + seconds + ' s: ' + image.state + '.';
      await showImage(image);
    } catch (e) {
      $('upload-status').textContent = 'Upload failed: nothing was published.';
      showError(e);
    } finally {
      button.disabled = false;
    }
  }

  function clearResult() {
    stopJobPolling();
    current = null;
    if (originalUrl) {
      URL.revokeObjectURL(originalUrl);
      originalUrl = null;
    }
    ['original-img', 'published-img', 'original-video', 'published-video'].forEach((id) => {
      $(id).removeAttribute('src');
      if ($(id).tagName === 'VIDEO') {
        $(id).load(); // lets go of the old clip
      }
    });
    $('original-img').hidden = false;
    $('published-img').hidden = false;
    $('original-video').hidden = true;
    $('published-video').hidden = true;
    $('progress').hidden = true;
    $('failure').hidden = true;
    document.querySelectorAll('.boxes').forEach((layer) => layer.replaceChildren());
    $('result').hidden = true;
    $('placeholder').hidden = false;
  }

  function isMedia(image) {
    return Boolean(image.media) || VIDEO_TYPES.includes(image.contentType);
  }

  async function showImage(image) {
    clearResult();
    current = image;
    const receipt = image.receipt || null;
    // A receipt's face boxes belong to one frame: drawn over stills only.
    const faces = receipt && Array.isArray(receipt.faces) ? receipt.faces : [];
    const boxes = isMedia(image) ? [] : faces;

    $('fact-id').textContent = image.id;
    $('fact-user').textContent = image.userId;
    $('fact-dnt').textContent = image.dntMe ? 'on — faces cloaked' : 'off — metadata stripped only';
    $('fact-flag-source').textContent = FLAG_SOURCES[image.flagSource] || image.flagSource;
    $('fact-flag-source').dataset.flagSource = image.flagSource;
    $('fact-state').textContent = image.state;
    $('fact-faces').textContent = String(image.faces);
    $('fact-size').textContent = image.width + ' × ' + image.height + ' ' + image.contentType;
    $('fact-frames').textContent = image.media
      ? image.media.frames + ' (' + image.media.format
        + (image.media.durationMillis ? ', ' + (image.media.durationMillis / 1000).toFixed(1) + ' s' : '') + ')'
      : '1';
    $('fact-model').textContent = receipt ? receipt.modelVersion : '—';
    $('fact-strength').textContent = receipt ? receipt.strength : '—';
    showReceipt(image, faces);

    drawBoxes($('original-figure'), image, boxes);
    drawBoxes($('published-figure'), image, boxes);
    showPublished(image);
    showJob(image);
    $('result').hidden = false;
    $('placeholder').hidden = true;

    try {
      // With the token in a header, never in a URL: the page shows the original through a blob: URL.
      const response = await api('/v1/images/' + encodeURIComponent(image.id) + '/original');
      const blob = await response.blob();
      if (current !== image) {
        return; // replaced meanwhile
      }
      originalUrl = URL.createObjectURL(blob);
      const video = (blob.type || '').startsWith('video/');
      $('original-img').hidden = video;
      $('original-video').hidden = !video;
      $(video ? 'original-video' : 'original-img').src = originalUrl;
    } catch (e) {
      showError(e);
    }
  }

  // The public copy exists only once published: a processing or rejected image shows none.
  function showPublished(image) {
    const img = $('published-img');
    const video = $('published-video');
    if (image.state !== 'published' || !image.publicUrl) {
      img.hidden = true;
      video.hidden = true;
      return;
    }
    const asVideo = VIDEO_TYPES.includes(image.contentType);
    if (!asVideo && !IMAGE_TYPES.includes(image.contentType)) {
      // An unknown type is still an image URL; say what it is rather than guess.
      $('fact-size').textContent += ' (not shown: unknown type)';
    }
    img.hidden = asVideo;
    video.hidden = !asVideo;
    if (asVideo) {
      video.src = image.publicUrl;
    } else {
      img.src = image.publicUrl;
    }
  }

  // ---- media jobs (202 Accepted, state processing) -----------------------------------------------

  function showJob(image) {
    $('progress').hidden = image.state !== 'processing';
    $('failure').hidden = image.state !== 'rejected';
    if (image.state === 'processing') {
      const done = image.progress ? Number(image.progress.framesDone) || 0 : 0;
      const total = image.progress ? Number(image.progress.framesTotal) || 0 : 0;
      const bar = $('job-progress');
      if (total > 0) {
        bar.max = total;
        bar.value = Math.min(done, total);
        $('job-progress-text').textContent = done + ' of ' + total + ' frames';
      } else {
        bar.removeAttribute('value'); // indeterminate until the job has read the header
        $('job-progress-text').textContent = 'waiting for a worker';
      }
      jobTimer = setTimeout(() => pollJob(image.id), POLL_MS);
    } else if (image.state === 'rejected') {
      const failure = image.failure || {};
      $('failure-title').textContent = failure.title || 'Rejected';
      $('failure-detail').textContent = failure.detail || '';
      $('failure').dataset.type = failure.type || '';
    }
  }

  function stopJobPolling() {
    if (jobTimer) {
      clearTimeout(jobTimer);
      jobTimer = null;
    }
  }

  async function pollJob(id) {
    jobTimer = null;
    if (!token() || !current || current.id !== id) {
      return;
    }
    let image;
    try {
      const response = await api('/v1/images/' + encodeURIComponent(id));
      image = await response.json();
    } catch (e) {
      if (e.status === 404 || e.status === 401 || e.status === 403) {
        showError(e);
        return; // erased, or the token no longer works: stop asking
      }
      jobTimer = setTimeout(() => pollJob(id), POLL_MS); // a blip: ask again
      return;
    }
    if (!current || current.id !== id) {
      return; // another image is on display now
    }
    if (image.state === 'processing') {
      current = image;
      showJob(image);
      return;
    }
    $('upload-status').textContent = 'Processing ended: ' + image.state + '.';
    await showImage(image); // published or rejected: the final record, original and copy
  }

  // Boxes are in published-image pixels (= the original with its EXIF orientation applied, which is
  // how browsers display it). Percentages of the image's own size keep them on the face at any
  // displayed size.
  function drawBoxes(figure, image, faces) {
    const layer = figure.querySelector('.boxes');
    layer.replaceChildren();
    if (!(image.width > 0 && image.height > 0)) {
      return;
    }
    faces.forEach((face, index) => {
      const box = document.createElement('div');
      box.className = 'face-box ' + (face.embeddingDistance > MATCH_THRESHOLD ? 'protected' : 'exposed');
      box.style.left = (100 * face.x / image.width) + '%';
      box.style.top = (100 * face.y / image.height) + '%';
      box.style.width = (100 * face.width / image.width) + '%';
      box.style.height = (100 * face.height / image.height) + '%';
      const tag = document.createElement('span');
      tag.textContent = String(index + 1);
      box.appendChild(tag);
      layer.appendChild(box);
    });
  }

  function showReceipt(image, faces) {
    const rows = $('receipt-rows');
    rows.replaceChildren();
    const none = $('receipt-none');
    if (!image.receipt) {
      $('receipt-table').hidden = true;
      none.textContent = 'No receipt: this photo was not flagged, so its public copy has its metadata removed '
          + 'but no cloak.';
      none.hidden = false;
      return;
    }
    if (faces.length === 0) {
      $('receipt-table').hidden = true;
      none.textContent = 'Flagged, but no face was found: published with the data-mining mark only.';
      none.hidden = false;
      return;
    }
    none.hidden = true;
    $('receipt-table').hidden = false;
    faces.forEach((face, index) => {
      const tr = document.createElement('tr');
      const protectedFace = face.embeddingDistance > MATCH_THRESHOLD;
      const cells = [
        String(index + 1),
        face.x + ', ' + face.y + ', ' + face.width + ' × ' + face.height,
        face.embeddingDistance.toFixed(3),
        face.ssim.toFixed(3),
        protectedFace ? 'no match (above 0.6)' : 'would match (under 0.6)'
      ];
      cells.forEach((text, i) => {
        const td = document.createElement('td');
        td.textContent = text;
        if (i === 2) {
          td.className = 'distance';
        } else if (i === 3) {
          td.className = 'ssim';
        } else if (i === 4) {
          td.className = protectedFace ? 'ok' : 'bad';
        }
        tr.appendChild(td);
      });
      rows.appendChild(tr);
    });
  }

  async function deleteImage() {
    if (!current) {
      return;
    }
    const id = current.id;
    const button = $('delete');
    button.disabled = true;
    clearError();
    try {
      await api('/v1/images/' + encodeURIComponent(id), { method: 'DELETE' });
      clearResult();
      $('upload-status').textContent = 'Deleted ' + id + ': the public copy, the original and the record are gone.';
    } catch (e) {
      showError(e);
    } finally {
      button.disabled = false;
    }
  }

  // ---- wiring ------------------------------------------------------------------------------------

  // The page's content security policy allows this service only (plus images from the public URL):
  // say so when it blocks something, rather than failing silently.
  document.addEventListener('securitypolicyviolation', (event) => {
    showError({ title: 'Blocked by the console\'s security policy',
      detail: event.violatedDirective + ' refused ' + (event.blockedURI || 'an inline resource') });
  });

  document.addEventListener('DOMContentLoaded', () => {
    $('sign-in-form').addEventListener('submit', signIn);
    $('sign-out').addEventListener('click', signOut);
    $('error-close').addEventListener('click', clearError);
    $('user-form').addEventListener('submit', loadSettings);
    $('user-id').addEventListener('change', () => loadSettings());
    $('dnt-toggle').addEventListener('change', changeSetting);
    $('level').addEventListener('change', changeSetting);
    $('upload-form').addEventListener('submit', upload);
    $('delete').addEventListener('click', deleteImage);
    showSignedIn(Boolean(token()));
    document.body.dataset.ready = 'true';
  });
})();
