"""faults.distinct_crashes(), which the exhaustive kill run (PROMOTE_FAULTS_EXHAUSTIVE=1) stands on: of a
run's system calls it keeps the first and every one after a call that changed or waited on something
outside the process, and drops only kills that leave what a kept one leaves."""

from faults import distinct_crashes, main_calls


def _points(lines):
    seen, points = {}, []
    for call in lines:
        name = call.split("(", 1)[0]
        seen[name] = seen.get(name, 0) + 1
        points.append((name, seen[name], call))
    return points


def _kept(lines):
    return [call for _, _, call in distinct_crashes(_points(lines))]


def test_reads_of_a_file_opened_to_read_stand_for_one_crash():
    lines = ['execve("/usr/bin/promote", ["promote"], 0x7ffd /* 3 vars */) = 0',
             'openat(AT_FDCWD, "/r.git/HEAD", O_RDONLY|O_CLOEXEC) = 3',
             'fstat(3, {st_mode=S_IFREG|0644, st_size=21, ...}) = 0',
             'read(3, "ref: refs/heads/main\\n", 21) = 21',
             'close(3) = 0',
             'newfstatat(AT_FDCWD, "/r.git/refs", {st_mode=S_IFDIR|0755, ...}, 0) = 0']
    # Nothing after execve changes or waits on anything: a kill at any of them is the kill at the second.
    assert _kept(lines) == lines[:2]


def test_every_write_rename_lock_and_unlock_is_followed_by_a_kill():
    lines = ['getpid() = 7',
             'openat(AT_FDCWD, "/r.git/refs/heads/main.lock", O_WRONLY|O_CREAT|O_EXCL|O_CLOEXEC, 0666) = 4',
             'write(4, "0123\\n", 5) = 5',
             'fstat(4, {st_mode=S_IFREG|0644, st_size=5, ...}) = 0',
             'close(4) = 0',
             'rename("/r.git/refs/heads/main.lock", "/r.git/refs/heads/main") = 0',
             'openat(AT_FDCWD, "/cache/m.git/promote.lock", O_RDONLY|O_CLOEXEC) = 5',
             'flock(5, LOCK_EX|LOCK_NB) = 0',
             'lseek(5, 0, SEEK_SET) = 0',
             'close(5) = 0',
             'getpid() = 7']
    kept = _kept(lines)
    # After the lock file's open, its write, its close and the rename; after the flock (not the lseek); and
    # after the close that lets the lock go, since its file was locked.
    assert kept == [lines[0], lines[2], lines[3], lines[5], lines[6], lines[8], lines[10]]


def test_a_kill_before_and_after_each_wait_on_the_server():
    lines = ['socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_TCP) = 6',
             'connect(6, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
             'getsockname(6, {sa_family=AF_INET, ...}, [16]) = 0',
             'sendto(6, "POST /git/r.git/git-receive-pack HTTP/1.1\\r\\n"..., 300, MSG_NOSIGNAL, NULL, 0) = 300',
             'poll([{fd=6, events=POLLIN}], 1, 1000) = 1 ([{fd=6, revents=POLLIN}])',
             'recvfrom(6, "HTTP/1.1 200 OK\\r\\n"..., 16384, 0, NULL, NULL) = 654',
             'read(6, "", 8) = 0',
             'close(6) = 0',
             'brk(NULL) = 0x5600']
    kept = _kept(lines)
    # Creating a socket changes nothing, nor does asking its address: a kill at the send is the kill after
    # the connect. Every call after the send follows one that talked to the server or waited on it.
    assert kept == [lines[0], lines[2]] + lines[4:]


def test_unknown_calls_and_descriptors_count_as_acting():
    lines = ['frobnicate(1) = 0',
             'getpid() = 7',
             'read(9, "x", 1) = 1',  # a descriptor this run did not open: a pipe, perhaps
             'getpid() = 7',
             'openat(AT_FDCWD, "/r.git/config", O_RDONLY) = 9',
             'dup2(9, 10) = 10',
             'read(10, "x", 1) = 1',  # a copy: not known to be a file's
             'getpid() = 7',
             'mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_SHARED, 9, 0) = 0x7f00',
             'getpid() = 7']
    kept = _kept(lines)
    assert kept == [lines[0], lines[1], lines[3], lines[7], lines[9]]


def test_a_call_cut_by_another_threads_output_keeps_its_result():
    # The descriptor the cut open returned is known, so the read and close of it are a file's; the other
    # thread's calls are not the main one's.
    trace = """\
100 openat(AT_FDCWD, "/r.git/packed-refs", O_RDONLY|O_CLOEXEC <unfinished ...>
101 mmap(NULL, 8392704, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_STACK, -1, 0) = 0x7f00
100 <... openat resumed>) = 3
101 write(7, "x", 1) = 1
100 read(3, "# pack-refs with: peeled\\n", 4096) = 25
100 close(3) = 0
100 getpid() = 7
100 +++ exited with 0 +++
"""
    points = main_calls(trace)
    assert [(name, n) for name, n, _ in points] == [("openat", 1), ("read", 1), ("close", 1), ("getpid", 1)]
    assert points[0][2] == 'openat(AT_FDCWD, "/r.git/packed-refs", O_RDONLY|O_CLOEXEC) = 3'
    assert distinct_crashes(points) == points[:1]


def test_a_descriptor_number_used_again_is_not_taken_for_the_file():
    lines = ['openat(AT_FDCWD, "/r.git/HEAD", O_RDONLY|O_CLOEXEC) = 3',
             'close(3) = 0',
             'socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_TCP) = 3',
             'read(3, "HTTP/1.1 200 OK", 16384) = 15',
             'getpid() = 7',
             'pipe2([4, 5], O_CLOEXEC) = 0',
             'openat(AT_FDCWD, "/r.git/config", O_RDONLY) = 6',
             'dup2(6, 4) = 4',
             'close(4) = 0',
             'getpid() = 7']
    # The read waits on the server; the close ends the pipe's end its number had before the dup2.
    assert _kept(lines) == [lines[0], lines[4], lines[9]]
