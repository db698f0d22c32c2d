-- track: cluster
-- The tables and named queries that the stock Orleans ADO.NET providers (clustering, reminders, grain storage)
-- execute, written for PostgreSQL 15 from the providers' query contract (their parameters and the columns they read).
-- Names are unquoted, so PostgreSQL folds them to lower case, which is what the providers' own
-- "SELECT QueryKey, QueryText FROM OrleansQuery" resolves to. Timestamps are timestamptz: the providers send UTC.
-- Multi-step writes are single statements with data-modifying CTEs, so a failed version check leaves no trace.

create table orleansquery (
    querykey  varchar(64) primary key,
    querytext text        not null
);

-- Membership ---------------------------------------------------------------------------------------------------
create table orleansmembershipversiontable (
    deploymentid text        primary key,
    timestamp    timestamptz not null default now(),
    version      int         not null default 0
);

create table orleansmembershiptable (
    deploymentid text        not null references orleansmembershipversiontable (deploymentid),
    address      text        not null,
    port         int         not null,
    generation   int         not null,
    siloname     text        not null,
    hostname     text        not null,
    status       int         not null,
    proxyport    int         not null default 0,
    suspecttimes text,
    starttime    timestamptz not null,
    iamalivetime timestamptz not null,
    primary key (deploymentid, address, port, generation)
);

-- Reminders ----------------------------------------------------------------------------------------------------
create table orleansreminderstable (
    serviceid    text        not null,
    grainid      text        not null,
    remindername text        not null,
    starttime    timestamptz not null,
    period       bigint      not null,
    grainhash    int         not null,
    version      int         not null,
    primary key (serviceid, grainid, remindername)
);

create index orleansreminderstable_hash on orleansreminderstable (serviceid, grainhash);

-- Grain storage (rule sets, tenants, backfills; customers have their own table) -----------------------------------
-- Upstream's table has no unique key, so two concurrent first writes of one grain can leave two rows, after which
-- every read of that grain fails. Here the grain's identity is unique (NULLS NOT DISTINCT covers a missing key
-- extension) and the first write is an INSERT … ON CONFLICT DO NOTHING: the loser gets a version conflict.
create table orleansstorage (
    grainidhash            int         not null,
    grainidn0              bigint      not null,
    grainidn1              bigint      not null,
    graintypehash          int         not null,
    graintypestring        text        not null,
    grainidextensionstring text,
    serviceid              text        not null,
    payloadbinary          bytea,
    modifiedon             timestamptz not null,
    version                int
);

create unique index orleansstorage_identity on orleansstorage
    (grainidhash, graintypehash, serviceid, grainidn0, grainidn1, graintypestring, grainidextensionstring) nulls not distinct;

insert into orleansquery (querykey, querytext) values

('InsertMembershipVersionKey', $q$
with inserted as (
    insert into orleansmembershipversiontable (deploymentid) values (@DeploymentId)
    on conflict (deploymentid) do nothing
    returning 1)
select count(*)::int from inserted
$q$),

('InsertMembershipKey', $q$
with bumped as (
    update orleansmembershipversiontable
    set version = version + 1, timestamp = now()
    where deploymentid = @DeploymentId and version = @Version
      and not exists (select 1 from orleansmembershiptable m
                      where m.deploymentid = @DeploymentId and m.address = @Address and m.port = @Port and m.generation = @Generation)
    returning 1),
inserted as (
    insert into orleansmembershiptable (deploymentid, address, port, generation, siloname, hostname, status, proxyport, starttime, iamalivetime)
    select @DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, coalesce(@ProxyPort, 0), @StartTime, @IAmAliveTime
    where exists (select 1 from bumped)
    returning 1)
select count(*)::int from inserted
$q$),

('UpdateMembershipKey', $q$
with bumped as (
    update orleansmembershipversiontable
    set version = version + 1, timestamp = now()
    where deploymentid = @DeploymentId and version = @Version
      and exists (select 1 from orleansmembershiptable m
                  where m.deploymentid = @DeploymentId and m.address = @Address and m.port = @Port and m.generation = @Generation)
    returning 1),
updated as (
    update orleansmembershiptable
    set status = @Status, suspecttimes = @SuspectTimes, iamalivetime = @IAmAliveTime
    where deploymentid = @DeploymentId and address = @Address and port = @Port and generation = @Generation
      and exists (select 1 from bumped)
    returning 1)
select count(*)::int from updated
$q$),

('UpdateIAmAlivetimeKey', $q$
update orleansmembershiptable
set iamalivetime = greatest(iamalivetime, @IAmAliveTime)
where deploymentid = @DeploymentId and address = @Address and port = @Port and generation = @Generation
$q$),

('MembershipReadRowKey', $q$
select v.deploymentid, m.address, m.port, m.generation, m.siloname, m.hostname, m.status, m.proxyport,
       m.suspecttimes, m.starttime, m.iamalivetime, v.version
from orleansmembershipversiontable v
left join orleansmembershiptable m
       on m.deploymentid = v.deploymentid and m.address = @Address and m.port = @Port and m.generation = @Generation
where v.deploymentid = @DeploymentId
$q$),

('MembershipReadAllKey', $q$
select v.deploymentid, m.address, m.port, m.generation, m.siloname, m.hostname, m.status, m.proxyport,
       m.suspecttimes, m.starttime, m.iamalivetime, v.version
from orleansmembershipversiontable v
left join orleansmembershiptable m on m.deploymentid = v.deploymentid
where v.deploymentid = @DeploymentId
$q$),

('GatewaysQueryKey', $q$
select address, proxyport, generation
from orleansmembershiptable
where deploymentid = @DeploymentId and status = @Status and proxyport > 0
$q$),

('DeleteMembershipTableEntriesKey', $q$
delete from orleansmembershiptable where deploymentid = @DeploymentId;
delete from orleansmembershipversiontable where deploymentid = @DeploymentId
$q$),

('CleanupDefunctSiloEntriesKey', $q$
delete from orleansmembershiptable
where deploymentid = @DeploymentId and iamalivetime < @IAmAliveTime and status = 6
$q$),

('ReadReminderRowsKey', $q$
select grainid, remindername, starttime, period, version
from orleansreminderstable
where serviceid = @ServiceId and grainid = @GrainId
$q$),

('ReadReminderRowKey', $q$
select grainid, remindername, starttime, period, version
from orleansreminderstable
where serviceid = @ServiceId and grainid = @GrainId and remindername = @ReminderName
$q$),

('ReadRangeRows1Key', $q$
select grainid, remindername, starttime, period, version
from orleansreminderstable
where serviceid = @ServiceId and grainhash > @BeginHash and grainhash <= @EndHash
$q$),

('ReadRangeRows2Key', $q$
select grainid, remindername, starttime, period, version
from orleansreminderstable
where serviceid = @ServiceId and (grainhash > @BeginHash or grainhash <= @EndHash)
$q$),

('UpsertReminderRowKey', $q$
insert into orleansreminderstable (serviceid, grainid, remindername, starttime, period, grainhash, version)
values (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
on conflict (serviceid, grainid, remindername) do update
set starttime = excluded.starttime, period = excluded.period, grainhash = excluded.grainhash,
    version = orleansreminderstable.version + 1
returning version
$q$),

('DeleteReminderRowKey', $q$
with deleted as (
    delete from orleansreminderstable
    where serviceid = @ServiceId and grainid = @GrainId and remindername = @ReminderName and version = @Version
    returning 1)
select count(*)::int from deleted
$q$),

('DeleteReminderRowsKey', $q$
delete from orleansreminderstable where serviceid = @ServiceId
$q$),

('ReadFromStorageKey', $q$
select payloadbinary, version
from orleansstorage
where grainidhash = @GrainIdHash and graintypehash = @GrainTypeHash and serviceid = @ServiceId
  and grainidn0 = @GrainIdN0 and grainidn1 = @GrainIdN1 and graintypestring = @GrainTypeString
  and grainidextensionstring is not distinct from @GrainIdExtensionString
$q$),

('WriteToStorageKey', $q$
with updated as (
    update orleansstorage
    set payloadbinary = @PayloadBinary, modifiedon = now(), version = version + 1
    where @GrainStateVersion is not null
      and grainidhash = @GrainIdHash and graintypehash = @GrainTypeHash and serviceid = @ServiceId
      and grainidn0 = @GrainIdN0 and grainidn1 = @GrainIdN1 and graintypestring = @GrainTypeString
      and grainidextensionstring is not distinct from @GrainIdExtensionString
      and version = @GrainStateVersion
    returning version),
inserted as (
    insert into orleansstorage (grainidhash, grainidn0, grainidn1, graintypehash, graintypestring,
                                grainidextensionstring, serviceid, payloadbinary, modifiedon, version)
    select @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
           @GrainIdExtensionString, @ServiceId, @PayloadBinary, now(), 1
    where @GrainStateVersion is null
    on conflict do nothing
    returning version)
select version as newgrainstateversion from updated
union all
select version from inserted
$q$),

('ClearStorageKey', $q$
update orleansstorage
set payloadbinary = null, modifiedon = now(), version = version + 1
where grainidhash = @GrainIdHash and graintypehash = @GrainTypeHash and serviceid = @ServiceId
  and grainidn0 = @GrainIdN0 and grainidn1 = @GrainIdN1 and graintypestring = @GrainTypeString
  and grainidextensionstring is not distinct from @GrainIdExtensionString
  and version = @GrainStateVersion
returning version
$q$),

('DeleteStorageKey', $q$
delete from orleansstorage
where grainidhash = @GrainIdHash and graintypehash = @GrainTypeHash and serviceid = @ServiceId
  and grainidn0 = @GrainIdN0 and grainidn1 = @GrainIdN1 and graintypestring = @GrainTypeString
  and grainidextensionstring is not distinct from @GrainIdExtensionString
  and version = @GrainStateVersion
returning version + 1
$q$);
