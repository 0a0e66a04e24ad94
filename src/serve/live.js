// shenbao serve: reload this page when it is rebuilt, refresh a previewed
// PDF after each print, and show the errors that keep the preview from
// updating. Served only by `shenbao serve`; the built site never has it.
(() => {
  'use strict';
  const me = document.currentScript;
  const pageBuild = Number(me && me.dataset.build) || 0;
  const scrollKey = 'shenbao-scroll:' + location.pathname;
  const dismissKey = 'shenbao-dismissed';

  // Put the reader back at the same place in the text: relative to the
  // section they were in, so an edit above it does not move them.
  const saved = sessionStorage.getItem(scrollKey);
  if (saved) {
    sessionStorage.removeItem(scrollKey);
    if ('scrollRestoration' in history) history.scrollRestoration = 'manual';
    try {
      const at = JSON.parse(saved);
      const restore = () => {
        const el = at.id && document.getElementById(at.id);
        const y = el ? el.getBoundingClientRect().top + window.scrollY - at.offset : at.y;
        window.scrollTo(at.x, y);
      };
      restore();
      window.addEventListener('load', restore, { once: true });
    } catch (_) { /* a stale value: ignore */ }
  }

  // The last element with an id that starts above the top of the window.
  function anchor() {
    let best = null;
    for (const el of document.querySelectorAll('main [id]')) {
      const top = el.getBoundingClientRect().top;
      if (top <= 1 && (!best || top > best.top)) best = { id: el.id, top };
    }
    return best;
  }

  function here() {
    let p = '';
    try { p = decodeURIComponent(location.pathname); } catch (_) { p = location.pathname; }
    p = p.replace(/^\/+/, '');
    if (p === '' || p.endsWith('/')) p += 'index.html';
    return p;
  }
  const page = here();

  function touches(list) {
    return list.includes('*') || list.includes(page) ||
      (page === 'search.html' && list.some((p) => p.startsWith('assets/search/')));
  }

  let reloading = false;
  function reload() {
    if (reloading) return;
    reloading = true;
    const a = anchor();
    sessionStorage.setItem(scrollKey, JSON.stringify({
      x: window.scrollX, y: window.scrollY, id: a && a.id, offset: a ? a.top : 0,
    }));
    location.reload();
  }

  // PDF links open the live preview page instead of the bare file.
  function encodePath(p) {
    return p.split('/').map(encodeURIComponent).join('/');
  }
  for (const a of document.querySelectorAll('a[href]')) {
    let u;
    try { u = new URL(a.getAttribute('href'), location.href); } catch (_) { continue; }
    if (u.origin !== location.origin || !u.pathname.toLowerCase().endsWith('.pdf')) continue;
    let rel;
    try { rel = decodeURIComponent(u.pathname).replace(/^\/+/, ''); } catch (_) { continue; }
    a.href = '/__shenbao/preview?pdf=' + encodeURIComponent(rel);
  }

  const frame = document.getElementById('shenbao-pdf');
  const frameStatus = document.getElementById('shenbao-pdf-status');

  // The overlay: built from text nodes only, never from HTML.
  let box = null;
  function overlay(errors) {
    const signature = JSON.stringify(errors);
    if (!errors.length || sessionStorage.getItem(dismissKey) === signature) {
      if (box) { box.remove(); box = null; }
      return;
    }
    if (box && box.dataset.signature === signature) return;
    if (box) box.remove();
    box = document.createElement('div');
    box.id = 'shenbao-overlay';
    box.dataset.signature = signature;
    box.setAttribute('role', 'alert');
    box.style.cssText = 'position:fixed;inset:auto 1rem 1rem 1rem;max-height:60vh;overflow:auto;' +
      'z-index:2147483647;background:#fff5f5;color:#5c0a0a;border:2px solid #b3261e;' +
      'border-radius:6px;padding:1rem 1.25rem;font:15px/1.6 sans-serif;box-shadow:0 4px 24px rgba(0,0,0,.25)';
    const title = document.createElement('strong');
    title.textContent = '预览未更新：有 ' + errors.length + ' 个错误，下面是上一次成功的结果';
    const close = document.createElement('button');
    close.type = 'button';
    close.textContent = '关闭';
    close.style.cssText = 'float:right;margin-left:1rem';
    close.addEventListener('click', () => {
      sessionStorage.setItem(dismissKey, signature);
      overlay(errors);
    });
    const list = document.createElement('ul');
    list.style.cssText = 'margin:.5rem 0 0;padding-left:1.25rem';
    for (const e of errors) {
      const li = document.createElement('li');
      if (e.file) {
        const where = document.createElement('code');
        where.textContent = e.file + (e.line ? ':' + e.line : '');
        li.append(where, ' ');
      }
      li.append(e.message);
      if (e.help) {
        const help = document.createElement('div');
        help.textContent = '建议：' + e.help;
        help.style.opacity = '0.85';
        li.append(help);
      }
      list.append(li);
    }
    box.append(close, title, list);
    document.body.append(box);
  }

  let seen = pageBuild;
  function connect() {
    const source = new EventSource('/__shenbao/events');
    source.onmessage = (event) => {
      let m;
      try { m = JSON.parse(event.data); } catch (_) { return; }
      overlay(Array.isArray(m.errors) ? m.errors : []);
      const pages = Array.isArray(m.pages) ? m.pages : [];
      const pdfs = Array.isArray(m.pdfs) ? m.pdfs : [];
      if (m.type === 'hello') {
        // A rebuild landed between this page being read and now, or the
        // server was restarted: show the current files.
        if (m.build !== seen && !frame) reload();
        seen = m.build;
        return;
      }
      seen = m.build;
      if (frame && (pdfs.includes('*') || pdfs.includes(frame.dataset.pdf))) {
        frame.src = '/' + encodePath(frame.dataset.pdf) + '?v=' + m.build;
        if (frameStatus) frameStatus.textContent = '已更新 ' + new Date().toLocaleTimeString('zh-CN');
        return;
      }
      if (!frame && touches(pages)) reload();
    };
  }
  connect();
})();
