# shellcheck shell=bash
# The machinery of scripts/systemd-e2e, sourced by it: waiting, reaching into the
# namespace, reporting, clean-up, and building and booting the namespace. The test script
# itself holds only the checks. It sets SIM_PORT, RECEIVER_PORT, HOOKS, CONFIG and CHECKS
# before calling e2e_prepare.

REPO=$PWD
S="" UNSHARE_PID="" SDPID="" CGROUPS=()
passed=0 failed=0 why=""

# ---- waiting -------------------------------------------------------------------------

now_ms() { local t=${EPOCHREALTIME//[!0-9]/}; echo $((t / 1000)); }

# wait_for SECONDS COMMAND...: run COMMAND every 0.2 s until it succeeds (0) or the
# deadline passes (1).
wait_for() {
    local end=$(( $(now_ms) + $1 * 1000 )); shift
    while :; do
        "$@" && return 0
        [ "$(now_ms)" -lt "$end" ] || return 1
        sleep 0.2
    done
}

gone() { ! kill -0 "$1" 2>/dev/null; }

# ---- inside the namespace ------------------------------------------------------------

ns() { timeout 30 nsenter -t "$SDPID" -a "$@"; }
prop() { ns systemctl show -p "$1" --value runwatch.service 2>/dev/null; }
state() { ns systemctl show -p ActiveState -p SubState --value runwatch.service 2>/dev/null | paste -sd/; }
state_is() { [ "$(state)" = "$1/$2" ]; }
restarted_since() { [ "$(prop NRestarts)" -gt "$1" ]; }   # RESTARTS: NRestarts before
killed_since() { [ "$(prop SubState)" = auto-restart ] || restarted_since "$1"; }   # by the watchdog, say
runwatch() { ns /usr/local/bin/runwatch "$@"; }

sim_post_runs() {  # JSON body
    ns curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' \
        -d "$1" "http://127.0.0.1:$SIM_PORT/_sim/runs"
}

# submit NOTIFIER ID...: runs alerting only NOTIFIER ("none": no alerts at all).
submit() { local to=$1; shift; runwatch submit --config "$CONFIG" --notifier "$to" "$@" >/dev/null; }

# fail_run ID NOTIFIER: a run the simulator fails after ~1 s, submitted for NOTIFIER.
fail_run() {
    sim_post_runs "{\"ids\": [$1], \"final\": \"failed\"}" || { why="cekura-sim refused run $1"; return 1; }
    submit "$2" "$1" || { why="runwatch submit $1 failed"; return 1; }
}

# delivered PATH ID [jq condition on the parsed line]: the receiver accepted a POST on
# PATH whose body mentions run ID. (Lines that are not JSON are skipped: cekura-sim's
# log can garble lines when deliveries arrive at the same instant, see check 2.)
delivered() {
    [ -s "$S/ns/receiver.log" ] || return 1
    jq -R -n -e --arg path "$1" --arg id "$2" "
        any(inputs | fromjson? | objects; .path == \$path and (.body | test(\"\\\\b\" + \$id + \"\\\\b\")) ${3:+and ($3)})
    " "$S/ns/receiver.log" >/dev/null 2>&1
}

delivered_to_either() { delivered /hooks-b "$1" || delivered /hooks-a "$1"; }   # ID

# journal_has TEXT: runwatch's journal (the unit's and systemd's lines about it) has TEXT.
# grep -c reads all of it: grep -q would end journalctl with SIGPIPE (pipefail).
journal_has() { ns journalctl -u runwatch.service --no-pager -o cat | grep -F -c -- "$1" >/dev/null; }

said_stopping() {  # INVOCATION_ID: the daemon itself logged "stopping" in that run
    ns journalctl -u runwatch.service --no-pager -o json --output-fields=MESSAGE,_SYSTEMD_INVOCATION_ID |
        jq -n -e --arg inv "$1" '[inputs | select(._SYSTEMD_INVOCATION_ID == $inv and
            (.MESSAGE | type == "string" and contains("stopping")))] | length > 0' >/dev/null
}

store_has() { local id; for id in "$@"; do runwatch show --config "$CONFIG" "$id" >/dev/null 2>&1 || return 1; done; }
store_total() { runwatch status --config "$CONFIG" --json 2>/dev/null | jq -e '[.summary.runsByStatus[]] | add'; }

write_config() {  # the e2e notifier's path; replaced atomically
    cat > "$S/etc/runwatch/runwatch.yaml.new" <<EOF
# systemd-e2e: against cekura-sim on the namespace's loopback
api:
  base_url: "http://127.0.0.1:$SIM_PORT"
  poll_interval: "200ms"
  max_requests_per_second: 20
  backoff_cap: "2s"
spool_scan_interval: "1s"
notifiers:
  - name: slack-ops
    kind: slack
    url_file: slack-ops-url
  - name: ci-webhook
    kind: webhook
    url_file: ci-webhook-url
    secret_file: ci-webhook-secret
  - name: e2e
    kind: webhook
    url: "$HOOKS$1"
EOF
    chmod 0644 "$S/etc/runwatch/runwatch.yaml.new"
    mv -f "$S/etc/runwatch/runwatch.yaml.new" "$S/etc/runwatch/runwatch.yaml"
}

# ---- reporting -----------------------------------------------------------------------

diagnose() {
    [ -n "$SDPID" ] || return 0
    echo "#   ActiveState=$(prop ActiveState) SubState=$(prop SubState) Result=$(prop Result) NRestarts=$(prop NRestarts)"
    ns journalctl -u runwatch.service --no-pager -n 15 -o short-monotonic 2>/dev/null | sed 's/^/#   /'
}

# run_check INDEX FUNCTION: one "ok"/"not ok" line; a check sets $why when it fails.
run_check() {
    why=""
    if "$2"; then
        echo "ok - ${CHECKS[$1]}"; passed=$((passed + 1))
    else
        echo "not ok - ${CHECKS[$1]}${why:+: $why}"; failed=$((failed + 1)); diagnose
    fi
}

finish() {
    # RUNWATCH_E2E_JOURNAL=FILE keeps the namespace's whole journal after a failure.
    if [ "$failed" -gt 0 ] && [ -n "${RUNWATCH_E2E_JOURNAL:-}" ] && [ -n "$SDPID" ]; then
        ns journalctl --no-pager -o short-monotonic > "$RUNWATCH_E2E_JOURNAL" 2>&1
        echo "# journal saved to $RUNWATCH_E2E_JOURNAL"
    fi
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
}

# Setup failed: every check fails, with the reason.
bail() {
    echo "# setup failed: $1"
    if [ -n "$S" ] && [ -f "$S/systemd.out" ]; then tail -n 20 "$S/systemd.out" | sed 's/^/#   /'; fi
    diagnose
    local i
    for i in "${!CHECKS[@]}"; do echo "not ok - ${CHECKS[$i]}: not run (setup failed)"; done
    failed=${#CHECKS[@]}
    finish
}

# ---- cleanup -------------------------------------------------------------------------

child_of() {  # the first child process of PID
    local pid=$1 c ppid stat
    if [ -r "/proc/$pid/task/$pid/children" ]; then
        read -r c _ < "/proc/$pid/task/$pid/children" && { echo "$c"; return; }
    fi
    for stat in /proc/[0-9]*/stat; do
        read -r c _ _ ppid _ 2>/dev/null < "$stat" && [ "${ppid:-}" = "$pid" ] && { echo "$c"; return; }
    done
}

cgroup_removed() {  # children first (systemd's slices), once their processes are gone
    find "$1" -depth -type d -exec rmdir {} + 2>/dev/null
    [ ! -d "$1" ]
}

# Removes everything the test made: the namespace (and so systemd and every process in
# it), the cgroups, the scratch folder. Runs on every exit, also after a failure.
cleanup() {
    set +e
    if [ -n "$UNSHARE_PID" ]; then
        [ -n "$SDPID" ] || SDPID=$(child_of "$UNSHARE_PID")
        # Killing PID 1 of the namespace takes every process in it.
        # unshare then reaps it and exits.
        [ -n "$SDPID" ] && kill -KILL "$SDPID" 2>/dev/null
        if ! wait_for 10 gone "$UNSHARE_PID"; then
            kill -KILL "$UNSHARE_PID" 2>/dev/null
            wait_for 5 gone "$UNSHARE_PID" || echo "# cleanup: unshare $UNSHARE_PID still running"
        fi
    fi
    local d
    for d in "${CGROUPS[@]}"; do
        wait_for 10 cgroup_removed "$d" || echo "# cleanup: could not remove cgroup $d"
    done
    if [ -n "$S" ] && [ -d "$S" ]; then
        # Nothing is mounted under $S in the host's namespace; refuse to delete if it is.
        if findmnt -rno TARGET | awk -v s="$S/" 'index($0 "/", s) == 1 { n++ } END { exit !n }'; then
            echo "# cleanup: mounts left under $S; not deleting it"
        else
            rm -rf --one-file-system "$S"
        fi
    fi
}

# ---- setup ---------------------------------------------------------------------------

# Root, the tools the checks use, a scratch tree with the binaries, the installed files,
# config and credentials, and the units systemd may load. Arms the clean-up.
e2e_prepare() {
    [ "$(id -u)" -eq 0 ] || { echo "systemd-e2e: must run as root" >&2; exit 2; }
    install_prerequisites
    trap cleanup EXIT
    trap 'exit 130' INT TERM
    S=$(mktemp -d /tmp/runwatch-e2e.XXXXXX)
    chmod 0755 "$S"
    mkdir -p "$S"/{var/lib,var/log,var/spool,var/cache,usr-local/bin,ns/units,trigger,dev}
    local bin
    for bin in runwatch cekura-sim; do
        wait_for 180 copy_binary "$bin" || bail "no usable .build/debug/$bin (run swift build first)"
    done
    install_files
    write_config /hooks-a
    write_units
}

install_prerequisites() {
    local need=()
    command -v ip >/dev/null || need+=(iproute2)
    command -v jq >/dev/null || need+=(jq)
    command -v curl >/dev/null || need+=(curl)
    command -v nsenter >/dev/null || need+=(util-linux)
    [ -x /lib/systemd/systemd ] || need+=(systemd)
    [ "${#need[@]}" -gt 0 ] || return 0
    echo "# installing ${need[*]}"
    if ! { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null; }; then
        echo "systemd-e2e: could not install ${need[*]}" >&2
        exit 2
    fi
}

# The binaries are copied, never used in place: .build/debug is rebuilt by others. A
# binary being linked is missing, changes while copied, or does not run yet: retry.
copy_binary() {
    local src=$REPO/.build/debug/$1 dst=$S/usr-local/bin/$1 before
    [ -f "$src" ] || return 1
    before=$(stat -c '%s %Y' "$src")
    cp "$src" "$dst.part" 2>/dev/null || return 1
    [ "$(stat -c '%s %Y' "$src" 2>/dev/null)" = "$before" ] || return 1
    "$dst.part" --help >/dev/null 2>&1 || return 1
    mv -f "$dst.part" "$dst"
}

# A private copy of /etc: systemd-sysusers replaces /etc/passwd etc. by rename(), which
# fails on a bind-mounted file, so the whole folder is bound instead of single files.
# The unit, sysusers and tmpfiles files go in as a real install would (README
# "Operations"), with /etc for /usr/lib, plus the test drop-in and the credentials.
install_files() {
    cp -a /etc/. "$S/etc/"
    rm -rf "$S/etc/systemd/system" "$S/etc/runwatch"
    mkdir -p "$S/etc/systemd/system/runwatch.service.d" "$S/etc/sysusers.d" "$S/etc/tmpfiles.d" \
             "$S/etc/runwatch/credentials"
    install -m 0644 systemd/runwatch.service "$S/etc/systemd/system/runwatch.service"
    install -m 0644 systemd/runwatch.sysusers "$S/etc/sysusers.d/runwatch.conf"
    install -m 0644 systemd/runwatch.tmpfiles "$S/etc/tmpfiles.d/runwatch.conf"
    cat > "$S/etc/systemd/system/runwatch.service.d/test.conf" <<'EOF'
# systemd-e2e test settings
[Service]
WatchdogSec=3s
Environment=RUNWATCH_TEST_HANG_FILE=/run/runwatch-test/hang RUNWATCH_TEST_HOLD_READY_FILE=/run/runwatch-test/hold-ready
EOF
    # One credential per LoadCredential= line of the unit.
    chmod 0700 "$S/etc/runwatch/credentials"
    credential cekura-api-key sim-api-key
    credential slack-ops-url "$HOOKS/slack"
    credential ci-webhook-url "$HOOKS/ci"
    credential ci-webhook-secret "whsec_$(head -c 24 /dev/urandom | base64)"
}

credential() { install -m 0600 /dev/stdin "$S/etc/runwatch/credentials/$1" <<< "$2"; }

# Only these units load (SYSTEMD_UNIT_PATH): stub targets, so that ordinary units with
# default dependencies load unchanged; our own target; journald.
write_units() {
    local units=$S/ns/units t u
    for t in sysinit sockets timers paths slices local-fs swap shutdown multi-user emergency rescue \
             network network-online; do
        printf '[Unit]\nDefaultDependencies=no\n' > "$units/$t.target"
    done
    printf '[Unit]\nDefaultDependencies=no\nRequires=sysinit.target\nAfter=sysinit.target\n' > "$units/basic.target"
    cat > "$units/runwatch-e2e.target" <<'EOF'
[Unit]
Requires=basic.target
After=basic.target
Wants=systemd-journald.service systemd-journald.socket systemd-journald-dev-log.socket
Wants=multi-user.target
EOF
    ln -s runwatch-e2e.target "$units/default.target"
    for u in systemd-journald.service systemd-journald.socket systemd-journald-dev-log.socket; do
        cp "/lib/systemd/system/$u" "$units/"
    done
}

# systemd as PID 1 of new namespaces (scripts/lib/systemd-e2e-init.sh), in cgroups of its
# own; then what a package's postinst does, and cekura-sim on the namespace's loopback.
e2e_boot() {
    make_cgroups
    (
        for d in "${CGROUPS[@]}"; do echo "$BASHPID" > "$d/cgroup.procs"; done
        exec unshare --pid --fork --mount --uts --ipc --net --cgroup --propagation private \
            bash "$REPO/scripts/lib/systemd-e2e-init.sh" "$S"
    ) > "$S/systemd.out" 2>&1 &
    UNSHARE_PID=$!
    disown "$UNSHARE_PID"   # killed on purpose at the end: no "Killed" notice from bash
    wait_for 30 systemd_up || bail "systemd did not come up in the namespace"
    [ "$(ns systemctl is-system-running)" = running ] \
        || echo "# systemd is degraded: $(ns systemctl --failed --no-legend --plain | awk '{print $1}' | tr '\n' ' ')"
    install_unit
    start_simulator
}

# A child of our current cgroup in every hierarchy but cpuset, else systemd makes its
# slices at the host's cgroup root.
make_cgroups() {
    local controllers path mnt d
    while IFS=: read -r _ controllers path; do
        [ "$controllers" = cpuset ] && continue
        if [ -z "$controllers" ]; then
            mnt=$(awk '$3 == "cgroup2" && $2 ~ "^/sys/fs/cgroup" { print $2; exit }' /proc/self/mounts)
        else
            mnt=$(awk -v want="$controllers" '$3 == "cgroup" {
                n = split($4, have, ","); m = split(want, w, ","); ok = 1
                for (i = 1; i <= m; i++) { f = 0; for (j = 1; j <= n; j++) if (have[j] == w[i]) f = 1; if (!f) ok = 0 }
                if (ok) { print $2; exit } }' /proc/self/mounts)
        fi
        [ -n "$mnt" ] || continue
        d="$mnt${path%/}/runwatch-e2e-$$"
        mkdir "$d" || bail "cannot create cgroup $d"
        CGROUPS+=("$d")
    done < /proc/self/cgroup
}

systemd_up() {
    SDPID=$(child_of "$UNSHARE_PID")
    [ -n "$SDPID" ] || return 1
    case "$(ns systemctl is-system-running 2>/dev/null)" in running|degraded) return 0;; *) return 1;; esac
}

# What a package's postinst and the README's install steps do. Enabled, the unit is held
# by multi-user.target, so systemd keeps its state (Result=, ExecMain*) after a stop
# instead of unloading it.
install_unit() {
    local out
    out=$(ns systemd-sysusers /etc/sysusers.d/runwatch.conf 2>&1) || bail "systemd-sysusers failed: $out"
    out=$(ns systemd-tmpfiles --create /etc/tmpfiles.d/runwatch.conf 2>&1) || bail "systemd-tmpfiles failed: $out"
    out=$(ns systemctl daemon-reload 2>&1) || bail "systemctl daemon-reload failed: $out"
    out=$(ns systemctl enable runwatch.service 2>&1) || bail "systemctl enable failed: $out"
}

# The simulator: a plain process in the namespace, on its loopback; it ends with the
# namespace.
start_simulator() {
    nsenter -t "$SDPID" -a /usr/local/bin/cekura-sim --port "$SIM_PORT" --receiver-port "$RECEIVER_PORT" \
        --receiver-log /run/runwatch-e2e/receiver.log --stage-seconds 0.5-1.5 > "$S/sim.out" 2>&1 &
    disown $!
    wait_for 20 grep -qs "webhook receiver listening" "$S/sim.out" \
        || bail "cekura-sim did not start: $(tail -n 3 "$S/sim.out")"
}
