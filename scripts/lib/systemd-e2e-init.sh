# shellcheck shell=bash
# PID 1 of the namespaces scripts/systemd-e2e creates (bash systemd-e2e-init.sh SCRATCH):
# private mounts over the host's /etc, /var/*, /usr/local, /run, /tmp and /dev, the
# loopback up, then systemd itself.
set -eu
S=$1
# -n everywhere: no writes to the host's /run/mount/utab.
mount() { command mount -n "$@"; }
umount() { command umount -n "$@"; }
mount -t proc proc /proc
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run
umount -R /sys/fs/cgroup          # systemd mounts its own, rooted in the cgroup namespace
# A private /dev (systemd would otherwise add /dev/log etc. to the host's).
mount -t tmpfs -o mode=0755,nosuid tmpfs "$S/dev"
for n in null zero full random urandom tty; do
    touch "$S/dev/$n"; mount --bind "/dev/$n" "$S/dev/$n"
done
mkdir "$S/dev/pts" "$S/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$S/dev/pts"
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$S/dev/shm"
ln -s pts/ptmx "$S/dev/ptmx"
ln -s /proc/self/fd "$S/dev/fd"
for i in 0:stdin 1:stdout 2:stderr; do ln -s "/proc/self/fd/${i%%:*}" "$S/dev/${i#*:}"; done
mount --move "$S/dev" /dev
# Without this LoadCredential= yields an empty credentials folder.
mount --make-rshared /
mount --bind "$S/etc" /etc
for d in lib log spool cache; do mount --bind "$S/var/$d" "/var/$d"; done
mount --bind "$S/usr-local" /usr/local
mkdir /run/runwatch-e2e /run/runwatch-test
mount --bind "$S/ns" /run/runwatch-e2e
mount --bind "$S/trigger" /run/runwatch-test
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /var/tmp
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /tmp     # last: $S is under the host's /tmp
hostname runwatch-e2e
ip link set lo up
export SYSTEMD_UNIT_PATH=/etc/systemd/system:/run/runwatch-e2e/units container=runwatch-e2e
exec /lib/systemd/systemd --system --unit=runwatch-e2e.target --log-target=journal
