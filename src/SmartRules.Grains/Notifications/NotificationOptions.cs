namespace SmartRules.Grains.Notifications;

/// <summary>Configuration section <c>SmartRules:Notifications</c>.</summary>
public sealed class NotificationOptions
{
    /// <summary>The webhook URL of tenants that have none in their settings.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>
    /// Whether webhooks may go to loopback, private, link-local and other non-public addresses. Off by default: webhook
    /// URLs are tenant input (see <see cref="WebhookConnections"/>). Turn it on for a receiver on the silos' own network.
    /// </summary>
    public bool AllowPrivateWebhookAddresses { get; set; }

    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>How often each silo looks for due notifications.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a claimed notification is left alone before another silo may retry it.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Attempts before a notification is marked failed for good.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The wait after the first failed attempt; it doubles with each further one, up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan FirstBackoff { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(30);

    public int BatchSize { get; set; } = 100;
}

public sealed class SmtpOptions
{
    public string? Host { get; set; }

    public int Port { get; set; } = 25;

    /// <summary>None, Auto, SslOnConnect, StartTls, StartTlsWhenAvailable.</summary>
    public string Security { get; set; } = "Auto";

    public string? UserName { get; set; }

    public string? Password { get; set; }

    public string From { get; set; } = "smartrules@localhost";
}
