using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using SmartRules.Grains.Telemetry;
using SmartRules.Grains.Tenants;
using SmartRules.Persistence.Customers;
using SmartRules.Persistence.Notifications;

namespace SmartRules.Grains.Notifications;

/// <summary>
/// Delivers the outbox, on every silo: claims due rows, sends each on its channel, and marks it sent, or schedules a
/// retry with exponential backoff, or marks it failed after <see cref="NotificationOptions.MaxAttempts"/>. Delivery
/// is at least once: a crash between sending and marking sends again, with the same idempotency key
/// (<c>Idempotency-Key</c> header, e-mail Message-Id) so that the receiver can de-duplicate.
/// In-app notifications are delivered by being stored: they are marked sent at once.
/// </summary>
public sealed partial class NotificationDispatcher(
    ICustomerDatabases databases,
    TenantRuntimeCache tenants,
    IHttpClientFactory httpClients,
    IOptions<NotificationOptions> options,
    ILogger<NotificationDispatcher> logger) : BackgroundService
{
    public const string SignatureHeader = "X-SmartRules-Signature";
    public const string IdempotencyHeader = "Idempotency-Key";
    public const string HttpClientName = "smartrules-webhooks";

    private readonly NotificationOptions _options = options.Value;

    // Each database that holds customer data has its own outbox and its own loop: a shard that is down, or slow to
    // refuse connections, delays nobody else's notifications.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(databases.All.Select(database => Task.Run(() => RunAsync(database, stoppingToken), stoppingToken)));

    private async Task RunAsync(CustomerDatabase database, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.PollInterval);
        try
        {
            do
            {
                await DeliverDueAsync(database, stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task DeliverDueAsync(CustomerDatabase database, CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var due = await database.Outbox.ClaimDueAsync(_options.BatchSize, _options.Lease, stoppingToken);
                if (due.Count == 0) break;
                // Delivered rows are marked sent together once the claimed batch is through: one statement, not one
                // commit each. A crash before it leaves them to be delivered again after the lease (at least once).
                var sent = new ConcurrentBag<OutboxItem>();
                await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = stoppingToken },
                    async (item, cancellationToken) =>
                    {
                        if (await DeliverAsync(database, item, cancellationToken)) sent.Add(item);
                    });
                await database.Outbox.MarkSentAsync(sent, stoppingToken);
                foreach (var item in sent) SmartRulesMetrics.Notification(item.Channel, "sent");
            }
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            LogPollFailed(logger, e, database.Name);
        }
    }

    /// <summary>Delivers one notification; <c>false</c> when it failed (the failure is recorded).</summary>
    private async ValueTask<bool> DeliverAsync(CustomerDatabase database, OutboxItem item, CancellationToken cancellationToken)
    {
        try
        {
            switch (item.Channel)
            {
                case "inApp":
                    break;
                case "webhook":
                    await SendWebhookAsync(item, cancellationToken);
                    break;
                case "email":
                    await SendEmailAsync(item, cancellationToken);
                    break;
                default:
                    throw new InvalidOperationException($"unknown channel '{item.Channel}'");
            }

            return true;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            var final = item.Attempts >= _options.MaxAttempts;
            var backoff = TimeSpan.FromTicks(Math.Min(_options.MaxBackoff.Ticks, _options.FirstBackoff.Ticks * (1L << Math.Min(20, item.Attempts - 1))));
            LogDeliveryFailed(logger, item.Id, item.Channel, item.Attempts, final, e.Message);
            await database.Outbox.MarkAttemptFailedAsync(item, e.Message, final ? null : backoff, cancellationToken);
            SmartRulesMetrics.Notification(item.Channel, final ? "failed" : "retried");
            return false;
        }
    }

    private async Task SendWebhookAsync(OutboxItem item, CancellationToken cancellationToken)
    {
        var settings = (await tenants.GetAsync(item.TenantId)).DirectorySnapshot.Settings;
        var url = settings.WebhookUrl ?? _options.WebhookUrl
            ?? throw new InvalidOperationException("no webhook URL: set webhookUrl in the tenant's settings or SmartRules:Notifications:WebhookUrl");
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            id = item.Id,
            tenantId = item.TenantId,
            customerId = item.CustomerId,
            ruleId = item.RuleId,
            ruleVersion = item.RuleVersion,
            recipient = item.Recipient,
            subject = item.Subject,
            body = item.Body,
            createdAt = item.CreatedAt,
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(IdempotencyHeader, item.Id.ToString());
        if (!string.IsNullOrEmpty(settings.WebhookSecret))
        {
            request.Headers.Add(SignatureHeader, Sign(body, settings.WebhookSecret));
        }

        using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"webhook answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }
    }

    /// <summary><c>sha256=</c> and the lower-case hex HMAC-SHA256 of the body bytes, keyed with the tenant's secret.</summary>
    public static string Sign(ReadOnlySpan<byte> body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private async Task SendEmailAsync(OutboxItem item, CancellationToken cancellationToken)
    {
        var smtp = _options.Smtp;
        if (string.IsNullOrEmpty(smtp.Host)) throw new InvalidOperationException("no SMTP server: set SmartRules:Notifications:Smtp:Host");
        using var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(smtp.From));
        message.To.Add(MailboxAddress.Parse(item.Recipient));
        message.Subject = item.Subject ?? "";
        message.MessageId = $"{item.Id}@smartrules";
        message.Headers.Add(IdempotencyHeader, item.Id.ToString());
        message.Body = new TextPart("plain") { Text = item.Body };

        using var client = new SmtpClient();
        var security = Enum.Parse<SecureSocketOptions>(smtp.Security, ignoreCase: true);
        await client.ConnectAsync(smtp.Host, smtp.Port, security, cancellationToken);
        if (!string.IsNullOrEmpty(smtp.UserName)) await client.AuthenticateAsync(smtp.UserName, smtp.Password ?? "", cancellationToken);
        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(true, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Looking for due notifications in database {Database} failed")]
    private static partial void LogPollFailed(ILogger logger, Exception exception, string database);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {Id} on {Channel}, attempt {Attempt}, failed (final: {Final}): {Error}")]
    private static partial void LogDeliveryFailed(ILogger logger, Guid id, string channel, int attempt, bool final, string error);
}
