#!/bin/sh
# sqlite3 (a file database, a journal, fsync) gives the same results with
# and without interception.
. "$TEST_TOP/tests/intercept/lib.sh"
command -v sqlite3 >/dev/null || skip "no sqlite3"

setup() {
	cat >q.sql <<'SQL'
create table t(a integer primary key, b text);
with recursive n(i) as (select 1 union all select i + 1 from n where i < 5000)
insert into t select i, hex(i) from n;
begin; update t set b = b || 'x' where a % 7 = 0; commit;
select count(*), sum(a), max(length(b)) from t;
create index tb on t(b);
select a from t where b = '3134x';
pragma integrity_check;
SQL
}
run_compared 300 setup '
sqlite3 db <q.sql
sqlite3 db "select count(*) from t where b like \"%x\""
sqlite3 db .dump | md5sum
sqlite3 db "select * from missing"'
