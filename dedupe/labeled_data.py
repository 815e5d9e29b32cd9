"""Word lists behind `labeled.py`: real titles, names and publishers of Vietnamese libraries.

Data only (kept out of the generator's logic, like pymarc's marc8_mapping.py).
"""

from __future__ import annotations

# (title, subtitle, authors, language, publisher) of works Hau Giang libraries really hold.
FAMOUS_VI = [
    ("Dế Mèn phiêu lưu ký", "truyện dài", ["Tô Hoài"], "Kim Đồng"),
    ("Tắt đèn", "tiểu thuyết", ["Ngô Tất Tố"], "Văn học"),
    ("Số đỏ", "tiểu thuyết", ["Vũ Trọng Phụng"], "Văn học"),
    ("Truyện Kiều", None, ["Nguyễn Du"], "Văn học"),
    ("Cho tôi xin một vé đi tuổi thơ", "truyện", ["Nguyễn Nhật Ánh"], "Trẻ"),
    ("Mắt biếc", "truyện dài", ["Nguyễn Nhật Ánh"], "Trẻ"),
    ("Tôi thấy hoa vàng trên cỏ xanh", "truyện dài", ["Nguyễn Nhật Ánh"], "Trẻ"),
    ("Đất rừng phương Nam", "truyện dài", ["Đoàn Giỏi"], "Kim Đồng"),
    ("Nỗi buồn chiến tranh", "tiểu thuyết", ["Bảo Ninh"], "Trẻ"),
    ("Chí Phèo", "tập truyện ngắn", ["Nam Cao"], "Văn học"),
    ("Vợ nhặt", "truyện ngắn", ["Kim Lân"], "Kim Đồng"),
    ("Những ngày thơ ấu", "hồi ký", ["Nguyên Hồng"], "Kim Đồng"),
    ("Gió lạnh đầu mùa", "tập truyện ngắn", ["Thạch Lam"], "Văn học"),
    ("Nhật ký Đặng Thùy Trâm", None, ["Đặng Thùy Trâm"], "Hội Nhà văn"),
    ("Thời xa vắng", "tiểu thuyết", ["Lê Lựu"], "Phụ nữ"),
    ("Mùa lá rụng trong vườn", "tiểu thuyết", ["Ma Văn Kháng"], "Phụ nữ"),
    ("Bến không chồng", "tiểu thuyết", ["Dương Hướng"], "Hội Nhà văn"),
    ("Cánh đồng bất tận", "tập truyện ngắn", ["Nguyễn Ngọc Tư"], "Trẻ"),
    ("Hương rừng Cà Mau", "tập truyện", ["Sơn Nam"], "Trẻ"),
    ("Tuổi thơ dữ dội", "tiểu thuyết", ["Phùng Quán"], "Kim Đồng"),
    ("Việt Nam sử lược", None, ["Trần Trọng Kim"], "Tổng hợp Thành phố Hồ Chí Minh"),
    ("Đường Kách mệnh", None, ["Hồ Chí Minh"], "Chính trị Quốc gia Sự thật"),
    ("Nhật ký trong tù", None, ["Hồ Chí Minh"], "Văn học"),
    ("Địa chí Hậu Giang", None, ["Nguyễn Văn Hiếu", "Trần Thanh Phong"], "Chính trị Quốc gia Sự thật"),
    ("Văn hóa Nam Bộ", "không gian và con người", ["Trần Ngọc Thêm"], "Tổng hợp Thành phố Hồ Chí Minh"),
]

# (original title, original authors, Vietnamese title, translators) for translated works.
TRANSLATED = [
    ("The Alchemist", ["Paulo Coelho"], "Nhà giả kim", ["Lê Chu Cầu", "Dương Tường"]),
    ("How to Win Friends and Influence People", ["Dale Carnegie"], "Đắc nhân tâm", ["Nguyễn Hiến Lê", "First News"]),
    ("The Little Prince", ["Antoine de Saint-Exupéry"], "Hoàng tử bé", ["Trác Phong", "Bùi Giáng"]),
    ("The Old Man and the Sea", ["Ernest Hemingway"], "Ông già và biển cả", ["Lê Huy Bắc", "Huy Tưởng"]),
    ("Sans famille", ["Hector Malot"], "Không gia đình", ["Hà Mai Anh", "Huỳnh Lý"]),
    ("Les Misérables", ["Victor Hugo"], "Những người khốn khổ", ["Huỳnh Lý", "Nguyễn Văn Quý"]),
    ("Harry Potter and the Philosopher's Stone", ["J. K. Rowling"], "Harry Potter và hòn đá phù thủy", ["Lý Lan"]),
    ("Totto-chan: The Little Girl at the Window", ["Tetsuko Kuroyanagi"], "Totto-chan bên cửa sổ", ["Trương Thùy Lan"]),
    ("Norwegian Wood", ["Haruki Murakami"], "Rừng Na Uy", ["Trịnh Lữ"]),
    ("To Kill a Mockingbird", ["Harper Lee"], "Giết con chim nhại", ["Huỳnh Kim Oanh", "Phạm Viêm Phương"]),
]

FOREIGN = [
    ("Introduction to Algorithms", None, ["Thomas H. Cormen", "Charles E. Leiserson", "Ronald L. Rivest"], "MIT Press"),
    ("Pride and Prejudice", None, ["Jane Austen"], "Penguin Books"),
    ("Principles of Economics", None, ["N. Gregory Mankiw"], "Cengage Learning"),
    ("Biology", None, ["Neil A. Campbell", "Jane B. Reece"], "Pearson"),
    ("English Grammar in Use", "a self-study reference and practice book", ["Raymond Murphy"], "Cambridge University Press"),
    ("Oxford Advanced Learner's Dictionary", None, ["A. S. Hornby"], "Oxford University Press"),
    ("The Lean Startup", None, ["Eric Ries"], "Crown Business"),
    ("Clean Code", "a handbook of agile software craftsmanship", ["Robert C. Martin"], "Prentice Hall"),
    ("Sapiens", "a brief history of humankind", ["Yuval Noah Harari"], "Harper"),
    ("The Art of War", None, ["Sun Tzu"], "Shambhala"),
]

# Textbooks: subject, grades, volumes per grade.  Every school holds them.
TEXTBOOK_SUBJECTS = [
    ("Tiếng Việt", range(1, 6), 2), ("Toán", range(1, 13), 1), ("Ngữ văn", range(6, 13), 2),
    ("Tự nhiên và xã hội", range(1, 4), 1), ("Khoa học", range(4, 6), 1), ("Lịch sử và Địa lí", range(4, 10), 1),
    ("Tin học", range(3, 13), 1), ("Tiếng Anh", range(3, 13), 2), ("Vật lí", range(10, 13), 1),
    ("Hóa học", range(10, 13), 1), ("Sinh học", range(10, 13), 1), ("Giáo dục công dân", range(6, 10), 1),
    ("Âm nhạc", range(1, 10), 1), ("Mĩ thuật", range(1, 10), 1), ("Tập viết", range(1, 4), 2),
]
TEXTBOOK_KINDS = [None, "sách giáo viên", "vở bài tập", "sách bài tập"]

# Templates for the long tail: agricultural extension, law, local history, university texts.
TEMPLATES = [
    ("Kỹ thuật nuôi {}", ["cá tra", "cá rô đồng", "cá lóc", "tôm càng xanh", "lươn không bùn", "ếch thương phẩm",
                         "gà thả vườn", "vịt siêu trứng", "heo rừng lai", "dê", "bò sữa", "ong mật", "chim yến",
                         "cá trê lai", "cá thát lát", "baba", "cua đồng", "ốc bươu"]),
    ("Kỹ thuật trồng {}", ["lúa chất lượng cao", "bưởi Năm Roi", "khóm Cầu Đúc", "mít Thái", "xoài cát Hòa Lộc",
                          "cam sành", "sầu riêng", "thanh long", "dừa", "rau sạch", "mía", "khoai lang", "nấm rơm",
                          "chanh không hạt", "ổi", "tiêu", "ca cao", "chuối"]),
    ("Giáo trình {}", ["triết học Mác - Lênin", "kinh tế chính trị Mác - Lênin", "tư tưởng Hồ Chí Minh",
                      "pháp luật đại cương", "kinh tế vi mô", "kinh tế vĩ mô", "xác suất thống kê",
                      "toán cao cấp", "tin học đại cương", "cơ sở dữ liệu", "kế toán tài chính", "quản trị học",
                      "marketing căn bản", "tâm lý học đại cương", "lịch sử Đảng Cộng sản Việt Nam",
                      "chủ nghĩa xã hội khoa học", "nguyên lý kế toán", "luật dân sự", "thủy sản đại cương",
                      "bảo vệ thực vật"]),
    ("Hỏi đáp về {}", ["Luật Đất đai", "Luật Hôn nhân và gia đình", "Luật Giao thông đường bộ", "bảo hiểm xã hội",
                      "bảo hiểm y tế", "quyền trẻ em", "phòng chống ma túy", "biển đảo Việt Nam",
                      "an toàn thực phẩm", "xây dựng nông thôn mới", "phòng chống tham nhũng", "Luật Lao động"]),
    ("Lịch sử Đảng bộ {}", ["tỉnh Hậu Giang", "huyện Châu Thành A", "huyện Phụng Hiệp", "huyện Long Mỹ",
                           "thị xã Ngã Bảy", "thành phố Vị Thanh", "huyện Vị Thủy", "huyện Châu Thành",
                           "thị xã Long Mỹ", "xã Hỏa Lựu", "phường Ngã Bảy",
                           # Exchanged with Ho Chi Minh City's libraries; catalogues also write "Q.1", "Q1".
                           "Quận 1", "Quận 3", "Quận 5"]),
    ("Truyện cổ tích {}", ["Việt Nam", "dân tộc Khmer", "các dân tộc thiểu số", "Nam Bộ", "thế giới", "Andersen",
                          "Grimm", "Ấn Độ", "Nhật Bản", "Hàn Quốc"]),
    ("Sổ tay {}", ["người nuôi cá", "phòng chống dịch bệnh", "công tác Đoàn", "cán bộ Hội Nông dân",
                  "an toàn giao thông", "giáo viên chủ nhiệm", "thư viện trường học", "hòa giải ở cơ sở"]),
    ("Tuyển tập {}", ["Nam Cao", "Xuân Diệu", "Tô Hoài", "Thạch Lam", "Hồ Biểu Chánh", "Sơn Nam",
                     "truyện ngắn Việt Nam", "thơ Việt Nam", "văn học thiếu nhi", "Nguyễn Tuân"]),
    ("{}", ["Tìm hiểu văn hóa Khmer Nam Bộ", "Chợ nổi Ngã Bảy", "Di tích lịch sử Hậu Giang",
            "Lễ hội dân gian Nam Bộ", "Ẩm thực miền Tây", "Đờn ca tài tử Nam Bộ", "Kênh Xáng Xà No",
            "Đặc sản miền sông nước", "Người Hoa ở Nam Bộ", "Nghề truyền thống Hậu Giang"]),
]
TEMPLATE_SUBTITLES = [None, None, "tài liệu tham khảo", "dùng cho sinh viên các trường cao đẳng, đại học",
                      "hỏi và đáp", "sách tham khảo", "tài liệu tập huấn", "dành cho bà con nông dân"]

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
            "Dương", "Lý", "Đoàn", "Trương", "Lâm", "Châu", "Tạ"]
MIDDLE_NAMES = ["Văn", "Thị", "Thanh", "Minh", "Ngọc", "Hữu", "Đức", "Quốc", "Hoàng", "Kim", "Thành", "Xuân",
                "Phước", "Công"]
GIVEN_NAMES = ["An", "Bình", "Cường", "Dũng", "Đức", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hòa", "Hùng",
               "Hương", "Khoa", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Nghĩa", "Phong", "Phúc", "Quang",
               "Sơn", "Tâm", "Thảo", "Thắng", "Trung", "Tuấn", "Vân", "Việt", "Xuân", "Yến", "Lộc", "Tài"]

# Canonical publisher → the ways catalogues spell it.
PUBLISHERS = {
    "Giáo dục Việt Nam": ["Giáo dục Việt Nam", "Nxb. Giáo dục Việt Nam", "NXB Giáo dục", "Nhà xuất bản Giáo dục Việt Nam"],
    "Kim Đồng": ["Kim Đồng", "Nxb. Kim Đồng", "NXB Kim Đồng", "Nhà xuất bản Kim Đồng"],
    "Trẻ": ["Trẻ", "Nxb. Trẻ", "NXB Trẻ", "Nhà xuất bản Trẻ"],
    "Văn học": ["Văn học", "Nxb. Văn học", "NXB Văn học", "Nhà xuất bản Văn học"],
    "Hội Nhà văn": ["Hội Nhà văn", "Nxb. Hội Nhà văn", "NXB Hội nhà văn"],
    "Phụ nữ": ["Phụ nữ", "Nxb. Phụ nữ", "NXB Phụ nữ Việt Nam"],
    "Tổng hợp Thành phố Hồ Chí Minh": ["Tổng hợp Thành phố Hồ Chí Minh", "Nxb. Tổng hợp Tp. HCM",
                                       "NXB Tổng hợp TP.HCM", "Tổng hợp TP. Hồ Chí Minh"],
    "Chính trị Quốc gia Sự thật": ["Chính trị Quốc gia Sự thật", "Nxb. Chính trị Quốc gia", "CTQG Sự thật",
                                   "Nhà xuất bản Chính trị quốc gia Sự thật"],
    "Nông nghiệp": ["Nông nghiệp", "Nxb. Nông nghiệp", "NXB Nông nghiệp"],
    "Đại học Cần Thơ": ["Đại học Cần Thơ", "Nxb. Đại học Cần Thơ", "NXB ĐH Cần Thơ"],
    "Đại học Quốc gia TP. Hồ Chí Minh": ["Đại học Quốc gia TP. Hồ Chí Minh", "Nxb. ĐHQG TP.HCM",
                                         "NXB Đại học Quốc gia Thành phố Hồ Chí Minh"],
    "Tư pháp": ["Tư pháp", "Nxb. Tư pháp", "NXB Tư pháp"],
    "Thanh niên": ["Thanh niên", "Nxb. Thanh niên", "NXB Thanh Niên"],
    "Lao động": ["Lao động", "Nxb. Lao động", "NXB Lao Động"],
    "Penguin Books": ["Penguin Books", "Penguin"],
    "MIT Press": ["MIT Press", "The MIT Press"],
    "Cengage Learning": ["Cengage Learning", "Cengage"],
    "Pearson": ["Pearson", "Pearson Education"],
    "Cambridge University Press": ["Cambridge University Press", "Cambridge Univ. Press"],
    "Oxford University Press": ["Oxford University Press", "Oxford Univ. Press"],
    "Crown Business": ["Crown Business", "Crown"],
    "Prentice Hall": ["Prentice Hall", "Prentice-Hall"],
    "Harper": ["Harper", "HarperCollins"],
    "Shambhala": ["Shambhala", "Shambhala Publications"],
}
VI_PUBLISHERS_FOR_TEMPLATES = ["Nông nghiệp", "Chính trị Quốc gia Sự thật", "Tư pháp", "Thanh niên", "Lao động",
                               "Đại học Cần Thơ", "Đại học Quốc gia TP. Hồ Chí Minh", "Văn học", "Trẻ"]

LIBRARIES = (["tv-tinh", "tv-vi-thanh", "tv-nga-bay", "tv-long-my", "tv-phung-hiep", "tv-chau-thanh",
              "tv-chau-thanh-a", "tv-vi-thuy", "cd-cong-dong", "cd-y-te", "ca-tinh", "qs-tinh"]
             + [f"thpt-{n:02d}" for n in range(1, 21)] + [f"thcs-{n:02d}" for n in range(1, 31)]
             + [f"th-{n:02d}" for n in range(1, 41)])

# Qualifiers that turn a template title into the many distinct titles of a real catalogue.
TITLE_QUALIFIERS = ["ở {}", "tại {}", "vùng {}", "trên địa bàn {}", "của nông dân {}", "trong thời kỳ đổi mới ở {}"]
PLACES = ["Hậu Giang", "Cần Thơ", "Sóc Trăng", "Bạc Liêu", "Cà Mau", "Kiên Giang", "An Giang", "Đồng Tháp",
          "Vĩnh Long", "Trà Vinh", "Bến Tre", "Tiền Giang", "Long An", "Đồng bằng sông Cửu Long", "Nam Bộ",
          "miền Tây", "Tây Nam Bộ", "Phụng Hiệp", "Long Mỹ", "Vị Thủy", "Châu Thành A", "Ngã Bảy", "Vị Thanh",
          "Ô Môn", "Thốt Nốt", "Cờ Đỏ", "Phong Điền", "Thới Lai", "Vĩnh Thạnh", "Ninh Kiều", "Cái Răng",
          "U Minh", "Năm Căn", "Ngọc Hiển", "Trần Đề", "Mỹ Xuyên", "Kế Sách", "Cù Lao Dung", "Giồng Riềng",
          "Gò Quao", "Tân Hiệp", "Hòn Đất", "Phú Quốc", "Châu Đốc", "Tịnh Biên", "Tri Tôn", "Chợ Mới"]
