using System.Buffers;
using System.Buffers.Text;
using System.Text;
using SmartRules.Server.Json;

namespace SmartRules.Server.Apis;

/// <summary>
/// The keyset cursor of customer lists: the last customer id of a page, as unpadded base64url of its UTF-8 bytes.
/// A cursor is accepted only if it is exactly what <see cref="Encode"/> gives for a valid customer id, so nothing a
/// client makes up reaches the database: not NUL bytes (PostgreSQL text cannot hold them), not invalid UTF-8, not
/// padding, blanks or spare bits that a lenient base64 decoder would let through.
/// </summary>
public static class PageCursor
{
    public const string Problem = "is not a cursor this API gave out: pass the 'next' of the previous page unchanged";

    // The longest id (200 UTF-16 units, at most 3 UTF-8 bytes each) spells at most 800 base64 characters.
    private const int MaxLength = (CustomerBodyReader.MaxIdLength * 3 + 2) / 3 * 4;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string Encode(string customerId) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(customerId));

    /// <summary>The customer id <paramref name="cursor"/> stands for, or <c>null</c> when it is not a cursor we gave out.</summary>
    public static string? Decode(string cursor)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        if (cursor.Length is 0 or > MaxLength) return null;
        var bytes = new byte[Base64Url.GetMaxDecodedLength(cursor.Length)];
        if (Base64Url.DecodeFromChars(cursor, bytes, out _, out var written) != OperationStatus.Done) return null;
        string id;
        try
        {
            id = StrictUtf8.GetString(bytes, 0, written);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }

        return CustomerBodyReader.IdProblem(id) is null && Encode(id) == cursor ? id : null;
    }
}
