/*
 * OpenCall demo on CallKit: sign in with a user id (token from the development endpoint /dev/token),
 * see who is online (/dev/users), call one person or a group (/dev/group creates it), and let
 * RCCallKit show the call. Only the public RongIMLib / RCRTC / RCCall / RCCallKit globals are used.
 */
/* global RongIMLib, RCRTC, RCCall, RCCallKit */
(() => {
  const $ = (id) => document.getElementById(id);
  const status = $('status');
  const say = (text) => {
    status.textContent = text;
  };
  if (!window.RongIMLib || !window.RCRTC || !window.RCCall || !window.RCCallKit) {
    say('SDK not loaded: run `npm run build` (or `npm start`) to build /sdk/*.js');
    return;
  }

  let kit = null;
  let me = '';
  const profiles = new Map();

  async function devJson(path, init) {
    const response = await fetch(path, init);
    if (response.status === 404) throw new Error('the dev helpers are off: start the server with `npm start` (or OPENCALL_DEV_TOKENS=1)');
    const body = await response.json();
    if (body.code !== 200) throw new Error(body.errorMessage ?? `request failed with code ${body.code}`);
    return body;
  }

  /** Name and avatar for the call screens, from the server's user record. */
  async function resolveUser(userId) {
    if (!profiles.has(userId))
      profiles.set(
        userId,
        devJson(`/dev/user?userId=${encodeURIComponent(userId)}`).catch(() => undefined),
      );
    const user = await profiles.get(userId);
    return user ? { name: user.name, portraitUri: user.portraitUri } : undefined;
  }

  /**
   * Web Push opt-in (issue 15 item 2): shown only when the SDK offers a registration API. The Web Push
   * work names it; this looks for `registerWebPush` on the call client or on RongIMLib.
   */
  function pushRegistration(callClient) {
    if (typeof callClient.registerWebPush === 'function') return () => callClient.registerWebPush();
    if (typeof RongIMLib.registerWebPush === 'function') return () => RongIMLib.registerWebPush();
    return null;
  }

  async function signIn(event) {
    event.preventDefault();
    const userId = $('user-id').value.trim();
    const name = $('user-name').value.trim();
    if (!userId) return;
    $('sign-in')
      .querySelectorAll('input, select, button')
      .forEach((el) => {
        el.disabled = true;
      });
    say('Signing in…');
    try {
      const query = new URLSearchParams({ userId, ...(name ? { name } : {}) });
      const reply = await devJson(`/dev/token?${query}`);
      RongIMLib.init({ appkey: reply.appKey, navigators: [location.origin] });
      const rtcClient = RongIMLib.installPlugin(RCRTC.installer, { mediaServer: location.origin, statsReportInterval: 1000 });
      kit = RCCallKit.createCallKit({ lang: $('lang').value, resolveUser, beforeInvite: addToGroup });
      const callClient = RongIMLib.installPlugin(RCCall.installer, { rtcClient, ...kit.installOptions() });
      const result = await RongIMLib.connect(reply.token);
      if (result.code !== RongIMLib.ErrorCode.SUCCESS) throw new Error(`connect failed with code ${result.code}`);
      me = result.data.userId;
      kit.attach(callClient, me);
      if (name) callClient.registerUserInfo({ name });
      document.documentElement.lang = $('lang').value;
      say(`Signed in as ${me}`);
      $('people').hidden = false;
      $('group').hidden = false;
      const push = pushRegistration(callClient);
      if (push) {
        $('push').hidden = false;
        $('push-enable').addEventListener('click', () =>
          push().then(
            () => say('Ringing when closed: on'),
            (e) => say(`Push: ${e.message}`),
          ),
        );
      }
      refreshOnline();
      setInterval(refreshOnline, 3000);
    } catch (error) {
      say(`Sign-in failed: ${error.message}. Reload to try again.`);
    }
  }

  async function refreshOnline() {
    let users = [];
    try {
      users = (await devJson('/dev/users')).users.filter((u) => u.userId !== me);
    } catch {
      return;
    }
    const list = $('online');
    list.replaceChildren(
      ...users.map((user) => {
        const item = document.createElement('li');
        item.dataset.userId = user.userId;
        const who = document.createElement('span');
        who.className = 'who';
        who.textContent = user.name ? `${user.name} (${user.userId})` : user.userId;
        const buttons = document.createElement('span');
        buttons.className = 'buttons';
        for (const video of [true, false]) {
          const button = document.createElement('button');
          button.type = 'button';
          if (!video) button.className = 'secondary';
          button.textContent = video ? 'Video' : 'Audio';
          button.setAttribute('aria-label', `${video ? 'Video' : 'Audio'} call ${user.name || user.userId}`);
          button.dataset.testid = `demo-call-${video ? 'video' : 'audio'}-${user.userId}`;
          button.addEventListener('click', () => call(user.userId, video));
          buttons.append(button);
        }
        item.append(who, buttons);
        return item;
      }),
    );
    if (users.length === 0) {
      const empty = document.createElement('li');
      empty.textContent = 'Nobody else yet: open this page in another browser window and sign in as someone else.';
      list.append(empty);
    }
  }

  async function call(targetId, video) {
    if (!kit || !targetId) return;
    const code = await kit.call(targetId, video);
    if (code !== RCCall.RCCallErrorCode.SUCCESS) say(`Call failed: ${RCCall.RCCallErrorCode[code] ?? code}`);
  }

  /** Invitees must be members: the demo adds them to the group first. */
  async function addToGroup(groupId, userIds) {
    await devJson('/dev/group', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ groupId, userIds }),
    });
  }

  async function groupCall(video) {
    const groupId = $('group-id').value.trim();
    const members = $('group-members')
      .value.split(/[\s,，]+/)
      .map((id) => id.trim())
      .filter((id) => id && id !== me);
    if (!kit || !groupId || members.length === 0) {
      say('Enter a group id and at least one member');
      return;
    }
    try {
      await devJson('/dev/group', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ groupId, name: groupId, userIds: [me, ...members] }),
      });
      const code = await kit.callGroup(groupId, members, video);
      if (code !== RCCall.RCCallErrorCode.SUCCESS) say(`Group call failed: ${RCCall.RCCallErrorCode[code] ?? code}`);
    } catch (error) {
      say(`Group call failed: ${error.message}`);
    }
  }

  $('sign-in').addEventListener('submit', signIn);
  $('call-video').addEventListener('click', () => call($('target').value.trim(), true));
  $('call-audio').addEventListener('click', () => call($('target').value.trim(), false));
  $('group-video').addEventListener('click', () => groupCall(true));
  $('group-audio').addEventListener('click', () => groupCall(false));
})();
