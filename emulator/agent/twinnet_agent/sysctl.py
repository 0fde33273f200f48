"""Writing and reading a namespace's net sysctls through /proc/sys/net (sysctl(8) without the tool).

Left out: keys outside net.* (they are not per namespace).
"""


def sysctl_path(key):
    """The /proc/sys file of a dotted key, as sysctl(8) prints it: a "/" inside a part
    stands for a "." of a name (net.ipv4.conf.eth0/1.forwarding is .../conf/eth0.1/...)."""
    parts = key.translate(str.maketrans('./', '/.')).split('/')
    if parts[0] != 'net' or len(parts) < 2 or any(p in ('', '.', '..') for p in parts):
        raise ValueError('not a net sysctl: ' + key)
    return '/proc/sys/' + '/'.join(parts)


def apply(netns, ns, set_values, read_keys):
    """Writes `set_values` then reads `read_keys` inside `ns`; a key that does not exist reads as None."""
    with netns.enter(ns):
        for key, value in set_values.items():
            with open(sysctl_path(key), 'w') as f:
                f.write(str(value))
        values = {}
        for key in read_keys:
            try:
                with open(sysctl_path(key)) as f:
                    values[key] = f.read().strip()
            except FileNotFoundError:
                values[key] = None
    return values
