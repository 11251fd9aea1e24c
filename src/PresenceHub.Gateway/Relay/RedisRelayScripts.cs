namespace PresenceHub.Gateway.Relay;

/// <summary>
/// The Lua scripts of <see cref="RedisPresenceRelay"/>. Each touches the keys of one organization only. The scripts
/// that append to a stream share their fragments, composed here as constants.
/// </summary>
internal static class RedisRelayScripts
{
    /// <summary>
    /// The stream entry's fields, shared by the appending scripts: the event kind (ARGV[5]), the trace context when
    /// there is one (traceparent ARGV[3], tracestate ARGV[4]) and the payload, which the script sets per event
    /// (<c>fields[4]</c>).
    /// </summary>
    private const string StreamFields = """
        local fields = {'k', ARGV[5], 'd', ''}
        if ARGV[3] ~= '' then
          table.insert(fields, 'tp')
          table.insert(fields, ARGV[3])
          if ARGV[4] ~= '' then
            table.insert(fields, 'ts')
            table.insert(fields, ARGV[4])
          end
        end
        """;

    /// <summary>After appending: trims the stream to the minimum id (ARGV[2], '' for none) and wakes the feeds (ARGV[6]).</summary>
    private const string TrimAndWake = """
        if ARGV[2] ~= '' then redis.call('XTRIM', KEYS[1], 'MINID', '~', ARGV[2]) end
        redis.call('SPUBLISH', ARGV[6], '')
        """;

    /// <summary>
    /// Publishes updates of one organization. KEYS: stream, users set, then one last-known key per update.
    /// ARGV: maxlen, minid ('' for none), traceparent, tracestate, kind, wake channel, last-known time to live in ms
    /// ('0' for none), then version, last-known payload, member, stream payload and content hash per update. Returns
    /// 'a' (accepted), 'd' (duplicate: same version, same content), 'c' (conflict: same version, other content) or
    /// 's' (stale) per update. A record written before content hashes were stored counts as the same content. An older
    /// version whose stored one is its correction (the same stamp followed only by '!', see PresenceVersion.Successor)
    /// with other content is a conflict too. Versions compare byte by byte: Lua's own string comparison follows
    /// the server's collation locale.
    /// </summary>
    public const string Publish = $$"""
        local function compare(a, b)
          if a == b then return 0 end
          local n = math.min(#a, #b)
          for i = 1, n do
            local x, y = string.byte(a, i), string.byte(b, i)
            if x ~= y then
              if x < y then return -1 else return 1 end
            end
          end
          if #a < #b then return -1 else return 1 end
        end
        {{StreamFields}}
        local results = {}
        local accepted = 0
        local ttl = tonumber(ARGV[7])
        for i = 1, #KEYS - 2 do
          local base = 7 + (i - 1) * 5
          local version = ARGV[base + 1]
          local current = redis.call('HGET', KEYS[i + 2], 'v')
          local order = 1
          if current then order = compare(version, current) end
          if order > 0 then
            redis.call('HSET', KEYS[i + 2], 'v', version, 'd', ARGV[base + 2], 'h', ARGV[base + 5])
            if ttl > 0 then redis.call('PEXPIRE', KEYS[i + 2], ttl) end
            if not current then redis.call('SADD', KEYS[2], ARGV[base + 3]) end
            fields[4] = ARGV[base + 4]
            redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', unpack(fields))
            results[i] = 'a'
            accepted = accepted + 1
          elseif order == 0 then
            local hash = redis.call('HGET', KEYS[i + 2], 'h')
            if hash and hash ~= ARGV[base + 5] then results[i] = 'c' else results[i] = 'd' end
          else
            local tail = string.sub(current, #version + 1)
            local hash = redis.call('HGET', KEYS[i + 2], 'h')
            if string.sub(version, 1, 1) == 's' and string.sub(current, 1, #version) == version and #tail > 0
              and string.match(tail, '^!+$') and hash and hash ~= ARGV[base + 5] then
              results[i] = 'c'
            else
              results[i] = 's'
            end
          end
        end
        if accepted > 0 then
          {{TrimAndWake}}
        end
        return results
        """;

    /// <summary>
    /// Appends events of one kind to an organization's stream, such as profile events. KEYS: stream. ARGV: maxlen,
    /// minid ('' for none), traceparent, tracestate, kind, wake channel, then one payload per event. Returns the count.
    /// </summary>
    public const string Append = $$"""
        {{StreamFields}}
        for i = 7, #ARGV do
          fields[4] = ARGV[i]
          redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', unpack(fields))
        end
        {{TrimAndWake}}
        return #ARGV - 6
        """;

    /// <summary>
    /// Withdraws users of one organization: deletes their last-known presence of every source, then appends one
    /// withdrawn event per user. KEYS: stream, users set. ARGV: maxlen, minid ('' for none), traceparent, tracestate,
    /// kind, wake channel, the last-known key prefix, then user id and payload per user. The last-known keys are
    /// derived from the users set's members (<c>{source}:{user}</c>); they carry the organization's hash tag, so on a
    /// cluster they live in the script's slot. Reading the whole users set makes this O(users of the organization):
    /// withdrawals are rare. Returns the number of last-known entries deleted.
    /// </summary>
    public const string Withdraw = $$"""
        local withdrawn = {}
        for i = 8, #ARGV, 2 do withdrawn[ARGV[i]] = true end
        local deleted = 0
        for _, member in ipairs(redis.call('SMEMBERS', KEYS[2])) do
          local separator = string.find(member, ':', 1, true)
          if separator and withdrawn[string.sub(member, separator + 1)] then
            redis.call('DEL', ARGV[7] .. member)
            redis.call('SREM', KEYS[2], member)
            deleted = deleted + 1
          end
        end
        {{StreamFields}}
        for i = 9, #ARGV, 2 do
          fields[4] = ARGV[i]
          redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', unpack(fields))
        end
        {{TrimAndWake}}
        return deleted
        """;

    /// <summary>Lua: <c>field(t, name)</c>, the value of a name in a flat name/value reply such as XINFO's.</summary>
    private const string FieldOf = """
        local function field(t, name)
          for i = 1, #t, 2 do
            if t[i] == name then return t[i + 1] end
          end
          return nil
        end
        """;

    /// <summary>Lua: <c>start_snapshot(mark, at)</c>, a new snapshot taken at stream position <c>at</c>, from its first page, in the snapshot hash KEYS[2].</summary>
    private const string StartSnapshot = """
        local function start_snapshot(mark, at)
          redis.call('HSET', KEYS[2], 'mark', mark, 'cursor', '0', 'at', at, 'page', '0')
        end
        """;

    /// <summary>
    /// Lua: moves group ARGV[1] to the end of stream KEYS[1], acknowledges everything pending and starts a snapshot
    /// marked <c>mark</c> there (needs <see cref="FieldOf"/>, <see cref="StartSnapshot"/> and a local <c>mark</c>).
    /// </summary>
    private const string SkipToEnd = """
        local stream = redis.call('XINFO', 'STREAM', KEYS[1])
        local last = field(stream, 'last-generated-id')
        redis.call('XGROUP', 'SETID', KEYS[1], ARGV[1], last, 'ENTRIESREAD', field(stream, 'entries-added'))
        while true do
          local pending = redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', 1000)
          if #pending == 0 then break end
          local ids = {}
          for i, p in ipairs(pending) do ids[i] = p[1] end
          redis.call('XACK', KEYS[1], ARGV[1], unpack(ids))
        end
        start_snapshot(mark, last)
        """;

    /// <summary>Lua: <c>before(a, b)</c> and <c>at_or_before(a, b)</c>, the order of two stream ids.</summary>
    private const string StreamIdOrder = """
        local function parse(id)
          local dash = string.find(id, '-', 1, true)
          return tonumber(string.sub(id, 1, dash - 1)), tonumber(string.sub(id, dash + 1))
        end
        local function before(a, b)
          local am, as = parse(a)
          local bm, bs = parse(b)
          return am < bm or (am == bm and as < bs)
        end
        local function at_or_before(a, b)
          return not before(b, a)
        end
        """;

    /// <summary>
    /// Opens a connector's consumer group and decides where its feed starts. A new group is created at the end of the
    /// stream and, if the organization has any last-known presence, starts its first snapshot. An existing group
    /// resumes after a stream cursor it was delivered and the stream still holds (acknowledging the pending entries
    /// the cursor covers), or inside its current snapshot; any other cursor moves it to the end, acknowledges
    /// everything pending and starts a snapshot. Without a cursor it goes on: 'resumed' once the connector
    /// acknowledged anything, 'fresh' before. KEYS: stream, snapshot, users. ARGV: group, mark, cursor kind ('none',
    /// 'stream', 'snapshot' or 'bad'), cursor (a stream id, or a snapshot's mark), and for a snapshot cursor the stream
    /// id it was taken at. A snapshot cursor resumes inside its snapshot, or after it when it was the last one
    /// completed ('done'). Returns 'fresh', 'resumed' or 'snapshot'.
    /// </summary>
    public const string Open = $$"""
        {{FieldOf}}
        {{StartSnapshot}}
        local mark = ARGV[2]
        local created = redis.pcall('XGROUP', 'CREATE', KEYS[1], ARGV[1], '$', 'MKSTREAM')
        if type(created) == 'table' and created.err then
          if not string.find(created.err, 'BUSYGROUP', 1, true) then return redis.error_reply(created.err) end
        else
          redis.call('HDEL', KEYS[2], 'acked')
          if redis.call('EXISTS', KEYS[3]) == 1 then
            start_snapshot(mark, field(redis.call('XINFO', 'STREAM', KEYS[1]), 'last-generated-id'))
          end
          if ARGV[3] == 'none' then return 'fresh' end
          return 'snapshot'
        end
        if ARGV[3] == 'none' then
          if redis.call('HGET', KEYS[2], 'acked') then return 'resumed' end
          return 'fresh'
        end
        {{StreamIdOrder}}
        local function was_delivered(id)
          for _, g in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
            if field(g, 'name') == ARGV[1] then return at_or_before(id, field(g, 'last-delivered-id')) end
          end
          return false
        end
        local covered = nil
        if ARGV[3] == 'stream' then
          local delivered = nil
          for _, g in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
            if field(g, 'name') == ARGV[1] then delivered = field(g, 'last-delivered-id') break end
          end
          local info = redis.call('XINFO', 'STREAM', KEYS[1])
          local first = field(info, 'recorded-first-entry-id')
          local trimmed = tonumber(field(info, 'entries-added')) > tonumber(field(info, 'length'))
          if delivered and at_or_before(ARGV[4], delivered) and not (trimmed and first and first ~= '0-0' and not at_or_before(first, ARGV[4])) then
            covered = ARGV[4]
          end
        elseif ARGV[3] == 'snapshot' then
          local state = redis.call('HMGET', KEYS[2], 'mark', 'done')
          if (state[1] == ARGV[4] or state[2] == ARGV[4]) and was_delivered(ARGV[5]) then covered = ARGV[5] end
        end
        if covered then
          while true do
            local pending = redis.call('XPENDING', KEYS[1], ARGV[1], '-', covered, 1000)
            if #pending == 0 then break end
            local ids = {}
            for i, p in ipairs(pending) do ids[i] = p[1] end
            redis.call('XACK', KEYS[1], ARGV[1], unpack(ids))
          end
          redis.call('HSET', KEYS[2], 'acked', '1')
          return 'resumed'
        end
        {{SkipToEnd}}
        return 'snapshot'
        """;

    /// <summary>
    /// Coalesces a connector's backlog when it is more than the lag bound behind, or retention dropped events it
    /// had not read, or when forced (retention dropped events it had not acknowledged): moves the group to the end,
    /// acknowledges everything pending and starts a snapshot. KEYS: stream, snapshot. ARGV: group, lag bound,
    /// force ('1'/'0'), mark. Returns the reason, or 0 when the backlog is within bounds.
    /// </summary>
    public const string Coalesce = $$"""
        {{FieldOf}}
        {{StartSnapshot}}
        local mark = ARGV[4]
        local reason = nil
        if ARGV[3] == '1' then reason = 'trimmed-pending' end
        if not reason then
          local group = nil
          for _, g in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
            if field(g, 'name') == ARGV[1] then group = g break end
          end
          if not group then return 0 end
          local lag = field(group, 'lag')
          local read = field(group, 'entries-read')
          if not lag or not read then
            reason = 'lag-unknown'
          elseif tonumber(lag) > tonumber(ARGV[2]) then
            reason = 'lag'
          else
            local info = redis.call('XINFO', 'STREAM', KEYS[1])
            if tonumber(field(info, 'entries-added')) - tonumber(field(info, 'length')) > tonumber(read) then
              reason = 'trimmed'
            end
          end
        end
        if not reason then return 0 end
        {{SkipToEnd}}
        return reason
        """;

    /// <summary>
    /// Advances a snapshot past an acknowledged page if it is still at that page. KEYS: snapshot. ARGV: mark,
    /// cursor, next ('0' ends the snapshot). Returns 1 when advanced.
    /// </summary>
    public const string AdvanceSnapshot = """
        if redis.call('HGET', KEYS[1], 'mark') ~= ARGV[1] or redis.call('HGET', KEYS[1], 'cursor') ~= ARGV[2] then
          return 0
        end
        if ARGV[3] == '0' then
          redis.call('HDEL', KEYS[1], 'mark', 'cursor', 'at', 'page')
          redis.call('HSET', KEYS[1], 'done', ARGV[1])
        else
          redis.call('HSET', KEYS[1], 'cursor', ARGV[3])
          redis.call('HINCRBY', KEYS[1], 'page', 1)
        end
        redis.call('HSET', KEYS[1], 'acked', '1')
        return 1
        """;

    /// <summary>
    /// Forgets a user, one page of the stream at a time. KEYS: stream, users set. ARGV: user id (lowercase), start
    /// ('-' for the first page), page size, last-known key prefix, the last entry id the erasure covers ('' on the
    /// first call of an erasure, which then deletes the user's last-known presence of every source and covers the
    /// stream up to its current last entry). Entries after that id are neither deleted nor counted. Deletes the page's entries whose payload is about the user (its compact JSON holds
    /// <c>"u":"{user}"</c>, as every event codec writes it) and that every consumer group
    /// has acknowledged (at or before its last delivered id, and before its oldest pending one); counts the others.
    /// Only entries every group has read are deleted, so the groups' lag and read counters stay exact.
    /// Returns {deleted, remaining, last id of the page, entries in the page, the covered last id, 1 when done}.
    /// </summary>
    public const string Forget = $$"""
        local user = ARGV[1]
        local about = '"u":"' .. user .. '"'
        local through = ARGV[5]
        if through == '' then
          for _, member in ipairs(redis.call('SMEMBERS', KEYS[2])) do
            local separator = string.find(member, ':', 1, true)
            if separator and string.sub(member, separator + 1) == user then
              redis.call('DEL', ARGV[4] .. member)
              redis.call('SREM', KEYS[2], member)
            end
          end
        end
        if through == '' then
          local tail = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
          if #tail == 0 then return {0, 0, '', 0, '0-0', 1} end
          through = tail[1][1]
        end
        if redis.call('EXISTS', KEYS[1]) == 0 then return {0, 0, '', 0, through, 1} end
        {{StreamIdOrder}}
        local groups = {}
        for _, g in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
          local name, last, pending = nil, nil, 0
          for i = 1, #g, 2 do
            if g[i] == 'name' then name = g[i + 1]
            elseif g[i] == 'last-delivered-id' then last = g[i + 1]
            elseif g[i] == 'pending' then pending = tonumber(g[i + 1]) end
          end
          local lowest = nil
          if pending > 0 then lowest = redis.call('XPENDING', KEYS[1], name)[2] end
          table.insert(groups, {last, lowest})
        end
        local function acknowledged(id)
          for _, g in ipairs(groups) do
            if before(g[1], id) then return false end
            if g[2] and not before(id, g[2]) then return false end
          end
          return true
        end
        local deleted, remaining, last, done = 0, 0, '', 0
        local entries = redis.call('XRANGE', KEYS[1], ARGV[2], through, 'COUNT', ARGV[3])
        if #entries < tonumber(ARGV[3]) then done = 1 end
        for _, e in ipairs(entries) do
          last = e[1]
          local fields = e[2]
          for i = 1, #fields, 2 do
            if fields[i] == 'd' then
              if string.find(fields[i + 1], about, 1, true) then
                if acknowledged(e[1]) then
                  redis.call('XDEL', KEYS[1], e[1])
                  deleted = deleted + 1
                else
                  remaining = remaining + 1
                end
              end
              break
            end
          end
        end
        if last == through then done = 1 end
        return {deleted, remaining, last, #entries, through, done}
        """;
}
