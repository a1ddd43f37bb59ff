// Embeds the Juttu widget the way a shop does, with one <script data-site> tag. The demo
// does not know its site key in advance: it asks the server (GET /api/v1/demo/site,
// answered only to the demo site's own origins), or takes ?site=KEY from the address.
(function () {
  'use strict';

  function embed(key) {
    var script = document.createElement('script');
    script.src = '/widget.js';
    script.async = true;
    script.setAttribute('data-site', key);
    document.body.appendChild(script);
  }

  function explain(text) {
    var note = document.getElementById('demo-note');
    if (note) {
      note.textContent = text;
      note.hidden = false;
    }
  }

  var key = new URLSearchParams(location.search).get('site');
  if (key) return embed(key);
  fetch('/api/v1/demo/site', { headers: { Accept: 'application/json' }, credentials: 'omit' })
    .then(function (res) {
      if (!res.ok) throw new Error('HTTP ' + res.status);
      return res.json();
    })
    .then(function (site) {
      if (!site || typeof site.key !== 'string') throw new Error('no key in the answer');
      embed(site.key);
    })
    .catch(function (error) {
      explain('The chat could not be loaded: the demo site key is not available (' + error.message +
        '). Open this page as /demo/?site=SITE_KEY.');
    });
})();
