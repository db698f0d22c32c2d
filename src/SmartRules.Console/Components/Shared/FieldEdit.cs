using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using SmartRules.Console.Api;

namespace SmartRules.Console.Components.Shared;

/// <summary>
/// The element around a field (or a group of fields) whose API message shows by it: once anything inside is edited,
/// the message for <see cref="Field"/> goes, since it was about a value no longer there. One mechanism for every form:
/// it listens to the <c>input</c> event, which bubbles from text fields, selects and checkboxes alike (Blazor treats
/// <c>change</c> as non-bubbling), and only while there is a message to drop, so typing costs no round trip otherwise.
/// </summary>
public sealed class FieldEdit : ComponentBase
{
    /// <summary>The API's field name (<c>action.subject</c>, <c>conditions[0].value</c>, …), as <see cref="FieldErrors"/> shows it.</summary>
    [Parameter, EditorRequired] public string Field { get; set; } = "";

    /// <summary>Also drop the sub-fields' messages (<c>action.users[1]</c> for <c>action.users</c>).</summary>
    [Parameter] public bool IncludeChildren { get; set; }

    [Parameter] public ApiProblem? Problem { get; set; }

    [Parameter] public EventCallback<ApiProblem?> ProblemChanged { get; set; }

    /// <summary>The element to render: <c>div</c>, or <c>fieldset</c> for a group.</summary>
    [Parameter] public string Element { get; set; } = "div";

    [Parameter] public RenderFragment? ChildContent { get; set; }

    [Parameter(CaptureUnmatchedValues = true)] public IReadOnlyDictionary<string, object>? Attributes { get; set; }

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        builder.OpenElement(0, Element);
        builder.AddMultipleAttributes(1, Attributes);
        if (Problem is not null && Problem.For(Field, IncludeChildren).Any())
        {
            builder.AddAttribute(2, "oninput", EventCallback.Factory.Create<ChangeEventArgs>(this, DropAsync));
        }

        builder.AddContent(3, ChildContent);
        builder.CloseElement();
    }

    private Task DropAsync() => ProblemChanged.InvokeAsync(Problem?.Without(Field, IncludeChildren));
}
