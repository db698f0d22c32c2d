using Npgsql;

namespace SmartRules.Server.Tests;

/// <summary>A fingerprint of every row a customer change writes: to show that the advisor writes nothing.</summary>
internal static class DatabaseState
{
    public static async Task<string> FingerprintAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var parts = new List<string>();
        foreach (var table in new[] { "customers", "customer_audit", "customer_changes", "notification_outbox" })
        {
            await using var command = new NpgsqlCommand($"select count(*)::text || ':' || coalesce(md5(string_agg(t::text, '|' order by t::text)), '') from {table} t", connection);
            parts.Add(table + "=" + (string)(await command.ExecuteScalarAsync())!);
        }

        return string.Join("; ", parts);
    }
}
