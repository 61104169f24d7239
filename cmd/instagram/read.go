package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/igsdk/instagram"
	"github.com/igsdk/instagram/message"
)

var (
	userFields  = []string{"id", "user_id", "username", "name", "account_type", "followers_count", "follows_count", "media_count"}
	mediaFields = []string{"id", "media_type", "media_product_type", "caption", "permalink", "timestamp", "like_count", "comments_count", "media_url"}
)

func (a *app) meCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "me",
		Short:   "Show the account the token acts for",
		Example: "  instagram me\n  instagram --base-url http://127.0.0.1:8080 --token TOKEN me --json",
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			id, err := a.accountID(cmd.Context(), c)
			if err != nil {
				return err
			}
			fields := userFields
			if a.facebook {
				fields = []string{"id", "ig_id", "username", "name", "followers_count", "follows_count", "media_count"}
			}
			u, err := c.Users.Get(cmd.Context(), id, &instagram.GetOptions{Fields: fields})
			if err != nil {
				return err
			}
			return a.print(u, func(w io.Writer) {
				fmt.Fprintf(w, "%s (%s)\n", u.Username, u.ID)
				if u.Name != "" {
					fmt.Fprintf(w, "name:       %s\n", u.Name)
				}
				if u.AccountType != "" {
					fmt.Fprintf(w, "type:       %s\n", u.AccountType)
				}
				fmt.Fprintf(w, "followers:  %d\nfollows:    %d\nmedia:      %d\n", u.FollowersCount, u.FollowsCount, u.MediaCount)
			})
		},
	}
}

func printMedia(w io.Writer, m *instagram.Media) {
	caption := strings.ReplaceAll(m.Caption, "\n", " ")
	if len(caption) > 60 {
		caption = caption[:57] + "..."
	}
	ts := ""
	if !m.Timestamp.IsZero() {
		ts = m.Timestamp.UTC().Format("2006-01-02 15:04")
	}
	fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", m.ID, m.MediaType, ts, m.Permalink, caption)
}

func (a *app) mediaCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "media",
		Short: "List and read media",
		Args:  args(cobra.NoArgs),
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	var limit int
	var all bool
	list := &cobra.Command{
		Use:     "list",
		Short:   "List the account's media, newest first",
		Example: "  instagram media list --limit 5\n  instagram media list --all --json",
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if limit < 0 || limit > 100 {
				return usagef("--limit must be between 1 and 100")
			}
			c, err := a.client()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			id, err := a.accountID(ctx, c)
			if err != nil {
				return err
			}
			opts := &instagram.ListOptions{Fields: mediaFields, Limit: limit}
			if all {
				for m, err := range c.Media.All(ctx, id, opts) {
					if err != nil {
						return err
					}
					if err := a.printLine(m, func(w io.Writer) { printMedia(w, &m) }); err != nil {
						return err
					}
				}
				return nil
			}
			if limit == 0 {
				opts.Limit = 25
			}
			p, err := c.Media.List(ctx, id, opts)
			if err != nil {
				return err
			}
			return a.print(p.Data, func(w io.Writer) {
				for i := range p.Data {
					printMedia(w, &p.Data[i])
				}
			})
		},
	}
	list.Flags().IntVar(&limit, "limit", 0, "media per page, at most 100 (default 25)")
	list.Flags().BoolVar(&all, "all", false, "follow every page (one line, or JSON line, per media)")
	get := &cobra.Command{
		Use:     "get MEDIA_ID",
		Short:   "Show one media",
		Example: "  instagram media get 17890000000000001 --json",
		Args:    args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, argv []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			m, err := c.Media.Get(cmd.Context(), argv[0], &instagram.GetOptions{Fields: append(mediaFields, "thumbnail_url", "shortcode", "username")})
			if err != nil {
				return err
			}
			return a.print(m, func(w io.Writer) {
				fmt.Fprintf(w, "id:         %s\ntype:       %s %s\npermalink:  %s\ntime:       %s\nlikes:      %d\ncomments:   %d\nmedia url:  %s\ncaption:    %s\n",
					m.ID, m.MediaType, m.MediaProductType, m.Permalink, m.Timestamp.UTC().Format("2006-01-02 15:04:05"), m.LikeCount, m.CommentsCount, m.MediaURL, m.Caption)
			})
		},
	}
	cmd.AddCommand(list, get)
	return cmd
}

func (a *app) insightsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "insights",
		Short: "Read account or media metrics",
		Args:  args(cobra.NoArgs),
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	var metrics []string
	var period string
	printResult := func(r *instagram.InsightsResult) error {
		return a.print(r, func(w io.Writer) {
			for _, in := range r.Data {
				fmt.Fprintf(w, "%s\t%s\t%s\n", in.Name, in.Period, insightValue(in))
			}
		})
	}
	account := &cobra.Command{
		Use:     "account",
		Short:   "Account metrics",
		Example: "  instagram insights account --metric reach,views --period day",
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			id, err := a.accountID(cmd.Context(), c)
			if err != nil {
				return err
			}
			opts := &instagram.AccountInsightsOptions{Metrics: toMetrics(metrics), Period: instagram.Period(period)}
			if opts.Period == "" {
				opts.Period = instagram.PeriodDay
			}
			if len(opts.Metrics) == 0 {
				opts.Metrics = []instagram.Metric{"reach"}
			}
			r, err := c.Insights.Account(cmd.Context(), id, opts)
			if err != nil {
				return err
			}
			return printResult(r)
		},
	}
	account.Flags().StringSliceVar(&metrics, "metric", nil, "metrics, comma separated (default reach)")
	account.Flags().StringVar(&period, "period", "", "period: day, week, days_28, lifetime (default day)")
	var mmetrics []string
	media := &cobra.Command{
		Use:     "media MEDIA_ID",
		Short:   "Metrics of one media",
		Example: "  instagram insights media 17890000000000001 --metric reach,likes",
		Args:    args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, argv []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			opts := &instagram.MediaInsightsOptions{Metrics: toMetrics(mmetrics)}
			if len(opts.Metrics) == 0 {
				opts.Metrics = []instagram.Metric{"reach", "likes", "comments"}
			}
			r, err := c.Insights.Media(cmd.Context(), argv[0], opts)
			if err != nil {
				return err
			}
			return printResult(r)
		},
	}
	media.Flags().StringSliceVar(&mmetrics, "metric", nil, "metrics, comma separated (default reach,likes,comments)")
	cmd.AddCommand(account, media)
	return cmd
}

func toMetrics(s []string) []instagram.Metric {
	out := make([]instagram.Metric, 0, len(s))
	for _, m := range s {
		out = append(out, instagram.Metric(strings.TrimSpace(m)))
	}
	return out
}

func insightValue(in instagram.Insight) string {
	if in.TotalValue != nil {
		return fmt.Sprint(in.TotalValue.Value)
	}
	parts := make([]string, 0, len(in.Values))
	for _, v := range in.Values {
		parts = append(parts, fmt.Sprint(v.Value))
	}
	return strings.Join(parts, ",")
}

func (a *app) commentsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "comments",
		Short: "List, reply to and moderate comments",
		Args:  args(cobra.NoArgs),
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	list := &cobra.Command{
		Use:     "list MEDIA_ID",
		Short:   "List a media's comments",
		Example: "  instagram comments list 17890000000000001",
		Args:    args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, argv []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			for cm, err := range c.Comments.All(cmd.Context(), argv[0], &instagram.ListOptions{Fields: []string{"id", "text", "username", "timestamp", "hidden", "like_count"}}) {
				if err != nil {
					return err
				}
				if err := a.printLine(cm, func(w io.Writer) {
					hidden := ""
					if cm.Hidden {
						hidden = " [hidden]"
					}
					fmt.Fprintf(w, "%s\t@%s\t%s%s\n", cm.ID, cm.Username, cm.Text, hidden)
				}); err != nil {
					return err
				}
			}
			return nil
		},
	}
	reply := &cobra.Command{
		Use:     "reply COMMENT_ID TEXT",
		Short:   "Reply to a comment",
		Example: `  instagram comments reply 17860000000000001 "Thanks!"`,
		Args:    args(cobra.ExactArgs(2)),
		RunE: func(cmd *cobra.Command, argv []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			r, err := c.Comments.Reply(cmd.Context(), argv[0], argv[1])
			if err != nil {
				return err
			}
			return a.print(r, func(w io.Writer) { fmt.Fprintf(w, "Replied: %s\n", r.ID) })
		},
	}
	moderate := func(use, short, done string, do func(c *instagram.Client, cmd *cobra.Command, id string) error) *cobra.Command {
		return &cobra.Command{
			Use:     use + " COMMENT_ID",
			Short:   short,
			Example: "  instagram comments " + use + " 17860000000000001",
			Args:    args(cobra.ExactArgs(1)),
			RunE: func(cmd *cobra.Command, argv []string) error {
				c, err := a.client()
				if err != nil {
					return err
				}
				if err := do(c, cmd, argv[0]); err != nil {
					return err
				}
				return a.print(map[string]any{"id": argv[0], "success": true}, func(w io.Writer) { fmt.Fprintf(w, "%s %s\n", done, argv[0]) })
			},
		}
	}
	hide := moderate("hide", "Hide a comment", "Hid", func(c *instagram.Client, cmd *cobra.Command, id string) error {
		return c.Comments.Hide(cmd.Context(), id)
	})
	unhide := moderate("unhide", "Show a hidden comment again", "Unhid", func(c *instagram.Client, cmd *cobra.Command, id string) error {
		return c.Comments.Unhide(cmd.Context(), id)
	})
	del := moderate("delete", "Delete a comment", "Deleted", func(c *instagram.Client, cmd *cobra.Command, id string) error {
		return c.Comments.Delete(cmd.Context(), id)
	})
	cmd.AddCommand(list, reply, hide, unhide, del)
	return cmd
}

func (a *app) messagesCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "messages",
		Short: "Send and read direct messages",
		Args:  args(cobra.NoArgs),
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	send := &cobra.Command{
		Use:   "send IGSID TEXT",
		Short: "Send a text message to a person who wrote to the account",
		Long: `Sends a text message. Meta allows it within 24 hours of the person's last
message to the account.`,
		Example: `  instagram messages send 1234567890 "Hello!"`,
		Args:    args(cobra.ExactArgs(2)),
		RunE: func(cmd *cobra.Command, argv []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			id, err := a.accountID(cmd.Context(), c)
			if err != nil {
				return err
			}
			r, err := c.Messaging.Send(cmd.Context(), id, argv[0], message.Text(argv[1]), nil)
			if err != nil {
				return err
			}
			return a.print(r, func(w io.Writer) { fmt.Fprintf(w, "Sent: %s\n", r.MessageID) })
		},
	}
	var conv string
	list := &cobra.Command{
		Use:     "list",
		Short:   "List conversations, or the messages of one",
		Example: "  instagram messages list\n  instagram messages list --conversation CONVERSATION_ID --json",
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			if conv != "" {
				cv, err := c.Messaging.Conversation(ctx, conv, &instagram.GetOptions{Fields: []string{"id", "messages{id,created_time,from,message}"}})
				if err != nil {
					return err
				}
				var msgs []instagram.ConversationMessage
				if cv.Messages != nil {
					msgs = cv.Messages.Data
				}
				return a.print(msgs, func(w io.Writer) {
					for _, m := range msgs {
						from := ""
						if m.From != nil {
							from = m.From.Username
						}
						fmt.Fprintf(w, "%s\t%s\t@%s\t%s\n", m.ID, m.CreatedTime.UTC().Format("2006-01-02 15:04"), from, m.Message)
					}
				})
			}
			id, err := a.accountID(ctx, c)
			if err != nil {
				return err
			}
			opts := &instagram.ConversationsOptions{ListOptions: instagram.ListOptions{Fields: []string{"id", "updated_time", "participants"}}, Platform: "instagram"}
			for cv, err := range c.Messaging.AllConversations(ctx, id, opts) {
				if err != nil {
					return err
				}
				if err := a.printLine(cv, func(w io.Writer) {
					var who []string
					if cv.Participants != nil {
						for _, p := range cv.Participants.Data {
							who = append(who, p.Username)
						}
					}
					fmt.Fprintf(w, "%s\t%s\t%s\n", cv.ID, cv.UpdatedTime.UTC().Format("2006-01-02 15:04"), strings.Join(who, ","))
				}); err != nil {
					return err
				}
			}
			return nil
		},
	}
	list.Flags().StringVar(&conv, "conversation", "", "conversation id whose messages to list")
	cmd.AddCommand(send, list)
	return cmd
}
