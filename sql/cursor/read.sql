-- The cursor as it is. $1 cursor name.
select snapshot_ref from scan_cursor where cursor_name = $1;
